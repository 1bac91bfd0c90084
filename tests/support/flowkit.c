/* flowkit.c: start the three fakes, clear their faults, count state across services. */
#include "tests/support/flowkit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/qa_probe.h"

static void env_add(struct h_flow *fl, const char *key, const char *value)
{
    size_t klen = strlen(key);
    char *kv = malloc(klen + strlen(value) + 2);

    assert_non_null(kv);
    snprintf(kv, klen + strlen(value) + 2, "%s=%s", key, value);
    for (size_t i = 0; i < fl->nenv; i++) {
        if (strncmp(fl->env[i], key, klen) == 0 && fl->env[i][klen] == '=') {
            free(fl->env[i]);
            fl->env[i] = kv;
            return;
        }
    }
    assert_true(fl->nenv + 1 < FLOW_MAX_ENV);
    fl->env[fl->nenv++] = kv;
    fl->env[fl->nenv] = NULL;
}

static const char *const programs[FLOW_NFAKES] = {"fake_twilio", "fake_livekit", "fake_supabase"};

struct h_proc *flow_fake(struct h_flow *fl, enum flow_fake which)
{
    return which == FLOW_TWILIO    ? &fl->twilio
           : which == FLOW_LIVEKIT ? &fl->livekit
                                   : &fl->supabase;
}

/* Start fake which with --seed (and --db under db_dir) on port (0: any). */
static int start_one(struct h_flow *fl, enum flow_fake which, int seed, unsigned port)
{
    char s[16], db[256];
    const char *args[] = {"--seed", s, NULL, NULL, NULL};

    snprintf(s, sizeof(s), "%d", seed);
    if (fl->db_dir[0] != '\0') {
        snprintf(db, sizeof(db), "%s/%s.db", fl->db_dir, programs[which]);
        args[2] = "--db";
        args[3] = db;
    }
    return h_start_port(flow_fake(fl, which), programs[which], args, port);
}

int flow_restart(struct h_flow *fl, enum flow_fake which, int seed, bool kill9)
{
    struct h_proc *p = flow_fake(fl, which);
    unsigned port = p->port;

    if (kill9)
        h_kill(p);
    else
        h_stop(p);
    return start_one(fl, which, seed, port);
}

int flow_start_db(struct h_flow *fl, int seed, const char *db_dir)
{
    memset(fl, 0, sizeof(*fl));
    snprintf(fl->db_dir, sizeof(fl->db_dir), "%s", db_dir != NULL ? db_dir : "");
    for (int i = 0; i < FLOW_NFAKES; i++) {
        if (start_one(fl, (enum flow_fake)i, seed, 0) != 0) {
            for (int k = 0; k < i; k++)
                h_stop(flow_fake(fl, (enum flow_fake)k));
            return -1;
        }
    }
    env_add(fl, "TWILIO_API_BASE", fl->twilio.base);
    env_add(fl, "TWILIO_ACCOUNT_SID", FLOW_TWILIO_SID);
    env_add(fl, "TWILIO_AUTH_TOKEN", FLOW_TWILIO_TOKEN);
    env_add(fl, "SUPABASE_URL", fl->supabase.base);
    env_add(fl, "SUPABASE_ANON_KEY", FLOW_ANON_KEY);
    env_add(fl, "SUPABASE_SERVICE_ROLE_KEY", FLOW_SERVICE_KEY);
    env_add(fl, "LIVEKIT_URL", fl->livekit.base);
    env_add(fl, "LIVEKIT_API_KEY", "devkey");
    env_add(fl, "LIVEKIT_API_SECRET", "secret");
    /* Tests want failures fast: short timeouts and backoff unless a case says otherwise. */
    env_add(fl, "PROV_REQUEST_TIMEOUT_MS", "2000");
    env_add(fl, "PROV_DEADLINE_MS", "15000");
    env_add(fl, "PROV_BACKOFF_BASE_MS", "20");
    env_add(fl, "PROV_BACKOFF_CAP_MS", "200");
    return 0;
}

int flow_start(struct h_flow *fl, int seed)
{
    return flow_start_db(fl, seed, NULL);
}

int flow_stop(struct h_flow *fl)
{
    int a = h_stop(&fl->twilio), b = h_stop(&fl->livekit), c = h_stop(&fl->supabase);

    for (size_t i = 0; i < fl->nenv; i++)
        free(fl->env[i]);
    fl->nenv = 0;
    return a == 0 && b == 0 && c == 0 ? 0 : -1;
}

/* The fakes and credentials as the QA runner's probes take them (fakes/qa_probe.h). */
static struct fx_probe probe(struct h_flow *fl)
{
    static const struct fx_creds creds = {
        .account_sid = FLOW_TWILIO_SID,
        .auth_token = FLOW_TWILIO_TOKEN,
        .lk_key = "devkey",
        .lk_secret = "secret",
        .jwt_secret = FLOW_JWT_SECRET,
        .anon_key = FLOW_ANON_KEY,
        .service_key = FLOW_SERVICE_KEY,
    };
    fl->running[0] = (struct fx_running){"twilio", fl->twilio.pid, fl->twilio.port};
    fl->running[1] = (struct fx_running){"livekit", fl->livekit.pid, fl->livekit.port};
    fl->running[2] = (struct fx_running){"supabase", fl->supabase.pid, fl->supabase.port};
    return (struct fx_probe){.fakes = fl->running, .creds = &creds};
}

void flow_clear_faults(struct h_flow *fl)
{
    struct fx_probe p = probe(fl);
    struct fk_error err = {{0}};

    if (fx_probe_clear_faults(&p, &err) != 0)
        fail_msg("%s", err.msg);
}

const char *const *flow_env(struct h_flow *fl)
{
    return (const char *const *)fl->env;
}

void flow_totals(struct h_flow *fl, struct flow_totals *t)
{
    struct fx_probe p = probe(fl);
    struct fx_totals v;

    fx_probe_totals(&p, &v);
    t->twilio_numbers = v.v[0];
    t->phone_numbers = v.v[1];
    t->trunks = v.v[2];
    t->dispatch_rules = v.v[3];
}
