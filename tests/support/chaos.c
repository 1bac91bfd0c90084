/* chaos.c: the extended crash tests' suite, re-run and convergence checks (chaos.h). */
#include "tests/support/chaos.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "fakekit/err.h"

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    char *end = NULL;
    long n = v != NULL ? strtol(v, &end, 10) : 0;
    return v != NULL && *v != '\0' && end != NULL && *end == '\0' && n >= 0 ? n : dflt;
}

int chaos_start(struct chaos *c, const char *name, long seed, int max_users, bool with_db)
{
    memset(c, 0, sizeof(*c));
    c->name = name;
    c->seed = env_long("CRASH_SEED", seed);
    c->scale = (int)env_long("CRASH_SOAK", 1);
    if (c->scale < 1)
        c->scale = 1;
    c->max_users = max_users * c->scale;
    fk_prng_init(&c->prng, (uint64_t)c->seed);
    if (with_db) {
        snprintf(c->db_dir, sizeof(c->db_dir), "/tmp/chaos-%s-XXXXXX", name);
        if (mkdtemp(c->db_dir) == NULL)
            return -1;
    }
    if (flow_start_db(&c->fl, (int)c->seed, c->db_dir) != 0)
        return -1;
    crash_seed_users(&c->fl, c->max_users);
    print_message("%s: seed %ld (CRASH_SEED replays it), scale %d\n", name, c->seed, c->scale);
    return 0;
}

int chaos_stop(struct chaos *c)
{
    int rc = flow_stop(&c->fl);
    if (c->db_dir[0] != '\0') {
        static const char *const names[] = {"fake_twilio", "fake_livekit", "fake_supabase"};
        static const char *const tails[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            for (size_t k = 0; k < 3; k++) {
                char f[320];
                snprintf(f, sizeof(f), "%s/%s.db%s", c->db_dir, names[i], tails[k]);
                unlink(f);
            }
        }
        rmdir(c->db_dir);
    }
    return rc;
}

const char *const chaos_lease_env[] = {"PROV_LEASE_MS=" CHAOS_STR(CHAOS_LEASE_MS), NULL};

struct chaos *chaos_new(const char *name, long seed, int max_users, bool with_db)
{
    struct chaos *c = calloc(1, sizeof(*c));
    if (c != NULL && chaos_start(c, name, seed, max_users, with_db) != 0) {
        chaos_stop(c);
        free(c);
        return NULL;
    }
    return c;
}

int chaos_free(struct chaos *c)
{
    int rc = chaos_stop(c);
    free(c);
    return rc;
}

int64_t chaos_clean_provision(struct chaos *c, const char *const *env)
{
    const char *args[] = {"provision", "--user-token", NULL, NULL};
    struct crash_run cr;
    char why[1400];
    chaos_next_user(c);
    args[2] = c->fl.token;
    assert_int_equal(crash_run_start(&cr, &c->fl, args, env), 0);
    assert_int_equal(crash_run_wait(&cr), 0);
    int64_t us = fk_mono_us() - cr.start_us;
    crash_run_free(&cr);
    if (!chaos_converged(c, why, sizeof(why)))
        fail_msg("a clean run did not converge: %s", why);
    return us;
}

void chaos_next_user(struct chaos *c)
{
    c->users++;
    assert_true(c->users <= c->max_users);
    crash_use_user(&c->fl, c->users);
}

uint64_t chaos_draw(struct chaos *c, uint64_t n)
{
    return fk_prng_below(&c->prng, n);
}

void chaos_sleep_us(int64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s != NULL ? s : "";
}

/* The item of arr whose key is value, or NULL. */
static const cJSON *find(const cJSON *arr, const char *key, const char *value)
{
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, arr)
    {
        if (value[0] != '\0' && strcmp(jstr(e, key), value) == 0)
            return e;
    }
    return NULL;
}

static bool lists(const cJSON *o, const char *key, const char *value)
{
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, key))
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, value) == 0)
            return true;
    }
    return false;
}

static const char *say(char *buf, size_t len, const char *fmt, ...) FK_PRINTF(3, 4);
static const char *say(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return buf;
}

/* The check itself, on the four lists; NULL when all is well, else why (written into buf). */
static const char *global_problem(const cJSON *jobs, const cJSON *rows, const cJSON *nums,
                                  const cJSON *trunks, const cJSON *rules, char *buf, size_t len)
{
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, jobs)
    {
        const char *st = jstr(e, "status");
        if (strcmp(st, "completed") != 0 && strcmp(st, "failed") != 0)
            return say(buf, len, "job %s of user %s is left %s at step %s", jstr(e, "id"),
                       jstr(e, "user_id"), st, jstr(e, "step"));
    }
    cJSON_ArrayForEach(e, nums)
    {
        if (find(rows, "twilio_sid", jstr(e, "sid")) == NULL)
            return say(buf, len, "number %s (%s, %s) is owned but no row records it",
                       jstr(e, "sid"), jstr(e, "phone_number"), jstr(e, "friendly_name"));
    }
    cJSON_ArrayForEach(e, trunks)
    {
        if (find(rows, "livekit_trunk_id", jstr(e, "sip_trunk_id")) == NULL)
            return say(buf, len, "trunk %s (%s) is recorded by no row", jstr(e, "sip_trunk_id"),
                       jstr(e, "name"));
    }
    cJSON_ArrayForEach(e, rules)
    {
        if (find(rows, "dispatch_rule_id", jstr(e, "sip_dispatch_rule_id")) == NULL)
            return say(buf, len, "dispatch rule %s (%s) is recorded by no row",
                       jstr(e, "sip_dispatch_rule_id"), jstr(e, "name"));
    }
    cJSON_ArrayForEach(e, rows)
    {
        const cJSON *t = find(trunks, "sip_trunk_id", jstr(e, "livekit_trunk_id"));
        const cJSON *r = find(rules, "sip_dispatch_rule_id", jstr(e, "dispatch_rule_id"));
        if (find(nums, "sid", jstr(e, "twilio_sid")) == NULL || t == NULL || r == NULL ||
            !lists(t, "numbers", jstr(e, "phone_number")) ||
            !lists(r, "trunk_ids", jstr(e, "livekit_trunk_id")))
            return say(buf, len,
                       "row of user %s (%s %s, trunk %s, rule %s) is not registered as "
                       "recorded",
                       jstr(e, "user_id"), jstr(e, "phone_number"), jstr(e, "twilio_sid"),
                       jstr(e, "livekit_trunk_id"), jstr(e, "dispatch_rule_id"));
    }
    return NULL;
}

bool chaos_global_ok(struct h_flow *fl, char *why, size_t len)
{
    cJSON *jobs = crash_sb_rows(fl, "provisioning_jobs", "select=*");
    cJSON *rows = crash_sb_rows(fl, "phone_numbers", "select=*&status=eq.active");
    cJSON *tw = crash_tw_numbers(fl);
    cJSON *lt = crash_lk_list(fl, "ListSIPInboundTrunk");
    cJSON *lr = crash_lk_list(fl, "ListSIPDispatchRule");
    const char *bad = global_problem(jobs, rows, cJSON_GetObjectItem(tw, "incoming_phone_numbers"),
                                     cJSON_GetObjectItem(lt, "items"),
                                     cJSON_GetObjectItem(lr, "items"), why, len);
    cJSON_Delete(jobs);
    cJSON_Delete(rows);
    cJSON_Delete(tw);
    cJSON_Delete(lt);
    cJSON_Delete(lr);
    return bad == NULL;
}

bool chaos_converged(struct chaos *c, char *why, size_t len)
{
    struct crash_state st;
    crash_state_get(&c->fl, c->fl.user_id, &st);
    if (!crash_state_ok(&st, true, why, len))
        return false;
    return chaos_global_ok(&c->fl, why, len);
}

int chaos_prov(struct chaos *c, const char *const *args, const char *const *env, char *out,
               size_t len)
{
    char *text = NULL;
    int status = crash_prov(&c->fl, args, env, &text);
    snprintf(out, len, "%s", text != NULL ? text : "");
    out[strcspn(out, "\n")] = '\0';
    free(text);
    return status;
}

int chaos_rerun(struct chaos *c, char *out, size_t len)
{
    const char *prov[] = {"provision", "--user-token", c->fl.token, NULL};
    const char *resume[] = {"resume", "--user-id", c->fl.user_id, "--force", NULL};
    char q[160];
    flow_clear_faults(&c->fl);
    snprintf(q, sizeof(q), "select=id&user_id=eq.%s", c->fl.user_id);
    cJSON *jobs = crash_sb_rows(&c->fl, "provisioning_jobs", q);
    bool has_job = cJSON_GetArraySize(jobs) > 0;
    cJSON_Delete(jobs);
    int status = chaos_prov(c, has_job ? resume : prov, NULL, out, len);
    if (status == 0)
        status = chaos_prov(c, prov, NULL, out, len);
    return status;
}

void chaos_record(struct chaos *c, const char *point, const char *why)
{
    c->tried++;
    if (why == NULL) {
        c->converged++;
        return;
    }
    print_message("%s: NOT converged at %s: %s\n", c->name, point, why);
    if (c->nfail < CHAOS_MAX_FAILURES)
        snprintf(c->failures[c->nfail], sizeof(c->failures[0]), "%s: %s", point, why);
    c->nfail++;
}

void chaos_verdict(struct chaos *c, const char *point)
{
    char out[1024], why[1400];
    int rc = chaos_rerun(c, out, sizeof(out));
    if (rc != 0) {
        snprintf(why, sizeof(why), "the clean re-run exited %d: %s", rc, out);
        chaos_record(c, point, why);
        return;
    }
    chaos_record(c, point, chaos_converged(c, why, sizeof(why)) ? NULL : why);
}

void chaos_summary(struct chaos *c, int min)
{
    print_message("%s: %d schedules, %d converged (seed %ld, scale %d)\n", c->name, c->tried,
                  c->converged, c->seed, c->scale);
    for (int i = 0; i < c->nfail && i < CHAOS_MAX_FAILURES; i++)
        print_message("%s: failure %d: %s\n", c->name, i + 1, c->failures[i]);
    if (c->converged != c->tried)
        fail_msg("%d of %d schedules did not converge (seed %ld)", c->tried - c->converged,
                 c->tried, c->seed);
    assert_true(c->tried >= min);
}

bool chaos_wait_lease(struct chaos *c, long ms)
{
    char q[160], now[40];
    snprintf(q, sizeof(q), "select=owner,lease_expires_at&user_id=eq.%s", c->fl.user_id);
    for (int64_t until = fk_mono_us() + (int64_t)ms * 1000; fk_mono_us() < until;) {
        cJSON *j = crash_sb_rows(&c->fl, "provisioning_jobs", q);
        const cJSON *row = cJSON_GetArrayItem(j, 0);
        fk_rfc3339_us(fk_now_us(), now, sizeof(now));
        bool free_now = row == NULL || jstr(row, "owner")[0] == '\0' ||
                        strcmp(jstr(row, "lease_expires_at"), now) < 0;
        cJSON_Delete(j);
        if (free_now)
            return true;
        chaos_sleep_us(20000); /* between reads of a condition, bounded above */
    }
    return false;
}
