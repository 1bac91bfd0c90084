/* cmd_up.c: `fakes up` and `fakes down`.
 *
 * up is all or nothing: any failure (a fake that will not start, a health check that never
 * passes, a scenario a fake rejects) stops what was started, removes the pid file and exits
 * 1 with one line saying why. The pid file is written only after every fake listens, the
 * env file last, so a script that finds the env file knows the fakes are ready. */
#include "fakes/commands.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fakes/admin_client.h"
#include "fakes/procs.h"
#include "fakes/tls_certs.h"
#include "fakes/trio.h"

#define STOP_GRACE_MS 10000

/* mkdir -p for one or two missing levels is enough for .fakes and CI's $RUNNER_TEMP/x. */
static int ensure_dir(const char *dir)
{
    char parent[PATH_MAX];

    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return -1;
    snprintf(parent, sizeof(parent), "%s", dir);
    if (mkdir(dirname(parent), 0755) != 0 && errno != EEXIST)
        return -1;
    return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int check_usage(const struct fx_opts *o)
{
    const char *vals[] = {o->creds.account_sid, o->creds.auth_token, o->creds.lk_key,
                          o->creds.lk_secret, o->creds.jwt_secret};

    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        if (!fx_env_value_ok(vals[i])) {
            fprintf(stderr,
                    "fakes up: credential '%s' must be non-empty and use only letters, digits "
                    "and ._-+/=:@~, (the env file is not quoted)\n",
                    vals[i]);
            return 2;
        }
    }
    if (o->scenario != NULL && fx_scenario_usable("fakes up", o->scenario, NULL) != 0)
        return 2;
    if (o->db_dir != NULL && ensure_dir(o->db_dir) != 0) {
        fprintf(stderr, "fakes up: --db-dir %s: %s\n", o->db_dir, strerror(errno));
        return 2;
    }
    return 0;
}

/* anon and service_role keys: from GET /__admin/keys, else signed here from the secret. */
static int supabase_keys(const struct fx_running *sb, struct fx_opts *o, char **anon,
                         char **service)
{
    char base[64];
    cJSON *j = NULL;
    struct fk_error err = {{0}};

    if (fx_admin_get_json(fx_base_url(sb, base, sizeof(base)), "/__admin/keys", &j, &err) == 0) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "anon_key");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "service_role_key");
        if (cJSON_IsString(a) && cJSON_IsString(s)) {
            *anon = strdup(a->valuestring);
            *service = strdup(s->valuestring);
        }
    }
    cJSON_Delete(j);
    if (*anon == NULL || *service == NULL) {
        free(*anon);
        free(*service);
        *anon = fx_supabase_key(o->creds.jwt_secret, "anon");
        *service = fx_supabase_key(o->creds.jwt_secret, "service_role");
    }
    o->creds.anon_key = *anon;
    o->creds.service_key = *service;
    return *anon != NULL && *service != NULL ? 0 : -1;
}

static void stop_started(const struct fx_opts *o, const struct fx_running *r, int n)
{
    char path[PATH_MAX];

    fx_trio_stop(r, n, STOP_GRACE_MS, NULL);
    unlink(fx_state_path(o, "pids", path, sizeof(path)));
}

/* Another `up` on this state dir whose fakes still run: refuse rather than orphan them. */
static bool already_running(const struct fx_opts *o)
{
    struct fx_running r[FX_NFAKES];
    struct fk_error err = {{0}};
    char path[PATH_MAX], marker[PATH_MAX], prog[64], pf[64];
    int n = 0;

    if (fx_pids_read(fx_state_path(o, "pids", path, sizeof(path)), r, FX_NFAKES, &n, &err) != 0)
        return false;
    for (int i = 0; i < n; i++) {
        snprintf(prog, sizeof(prog), "fake_%s", r[i].name);
        snprintf(pf, sizeof(pf), "%s.port", r[i].name);
        if (fx_pid_is(r[i].pid, prog, fx_state_path(o, pf, marker, sizeof(marker))))
            return true;
    }
    return false;
}

/* --tls: a throw-away CA and certificate in STATE/tls, trusted by the launcher's own calls and
 * named in the env file. Without it, an earlier run's STATE/tls is removed, so that the other
 * commands (fx_tls_detect) see plain HTTP. */
static int tls_setup(struct fx_opts *o, const char **tls_dir, struct fk_error *err)
{
    static char dir[PATH_MAX], ca[PATH_MAX + 16];
    static const char *const files[] = {"ca.pem", "cert.pem", "key.pem"};

    fx_state_path(o, "tls", dir, sizeof(dir));
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    if (!o->tls) {
        for (size_t i = 0; i < 3; i++) {
            char p[PATH_MAX + 16];
            snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
            unlink(p);
        }
        rmdir(dir);
        *tls_dir = NULL;
        return 0;
    }
    if (ensure_dir(dir) != 0) {
        fk_error_set(err, "%s: %s", dir, strerror(errno));
        return FK_EIO;
    }
    if (fx_tls_make(dir, err) != 0)
        return FK_EIO;
    fx_http_set_ca(ca);
    o->creds.ca_file = ca;
    *tls_dir = dir;
    return 0;
}

static int up_steps(struct fx_opts *o, struct fx_running *r, int *started, char **keys)
{
    char bin[PATH_MAX], path[PATH_MAX], envp[PATH_MAX], base[64];
    struct fk_error err = {{0}};

    struct fx_trio_opts t = {.bin = bin,
                             .dir = o->state_dir,
                             .db_dir = o->db_dir,
                             .seed = o->seed,
                             .log_level = o->log_level,
                             .creds = &o->creds};

    if (fx_bin_dir(o->bin_dir, bin, sizeof(bin)) != 0) {
        fprintf(stderr, "fakes up: cannot find the fakes (use --bin DIR or FAKES_BIN)\n");
        return 1;
    }
    if (tls_setup(o, &t.tls_dir, &err) != 0) {
        fprintf(stderr, "fakes up: %s\n", err.msg);
        return 1;
    }
    if (fx_trio_start(&t, r, &err) != 0) {
        fprintf(stderr, "fakes up: %s\n", err.msg);
        return 1;
    }
    *started = FX_NFAKES;
    if (fx_pids_write(fx_state_path(o, "pids", path, sizeof(path)), r, FX_NFAKES, &err) != 0) {
        fprintf(stderr, "fakes up: %s\n", err.msg);
        return 1;
    }
    if (supabase_keys(&r[2], o, &keys[0], &keys[1]) != 0) {
        fprintf(stderr, "fakes up: out of memory\n");
        return 1;
    }
    if (o->scenario != NULL) {
        char *text = fx_read_file(o->scenario, &err);
        cJSON *doc = text != NULL ? cJSON_Parse(text) : NULL;
        int rc = doc == NULL ? 1 : fx_post_scenario(r, FX_NFAKES, text, doc, NULL, stderr, &err);
        cJSON_Delete(doc);
        free(text);
        if (rc != 0) {
            fprintf(stderr, "fakes up: %s\n", err.msg[0] ? err.msg : "scenario unreadable");
            return 1;
        }
    }
    /* After the scenario, which puts supabase's state back to its seed and its own users. */
    if (o->nusers > 0 && fx_create_users(o, fx_base_url(&r[2], base, sizeof(base))) != 0)
        return 1;
    if (o->env_file == NULL)
        o->env_file = fx_state_path(o, "env", envp, sizeof(envp));
    if (fx_env_write(o->env_file, &o->creds, r, &err) != 0) {
        fprintf(stderr, "fakes up: %s\n", err.msg);
        return 1;
    }
    /* Remember where the env file went, for `fakes env`. */
    FILE *f = fopen(fx_state_path(o, "env-file", path, sizeof(path)), "we");
    if (f != NULL) {
        fprintf(f, "%s\n", o->env_file);
        fclose(f);
    }
    for (int i = 0; i < FX_NFAKES; i++)
        fprintf(stderr, "fakes: %-8s %s  (pid %d, log %s/%s.log)\n", r[i].name,
                fx_base_url(&r[i], base, sizeof(base)), (int)r[i].pid, o->state_dir, r[i].name);
    fprintf(stderr, "fakes: env file %s  (set -a; . %s; set +a)\n", o->env_file, o->env_file);
    printf("%s\n", o->env_file);
    return 0;
}

int fx_cmd_up(struct fx_opts *o)
{
    struct fx_running r[FX_NFAKES] = {{0}};
    char resolved[PATH_MAX], *keys[2] = {NULL, NULL};
    int rc, started = 0;

    if ((rc = check_usage(o)) != 0)
        return rc;
    if (ensure_dir(o->state_dir) != 0 || realpath(o->state_dir, resolved) == NULL) {
        fprintf(stderr, "fakes up: state dir %s: %s\n", o->state_dir, strerror(errno));
        return 2;
    }
    snprintf(o->state_dir, sizeof(o->state_dir), "%s", resolved);
    if (already_running(o)) {
        fprintf(stderr, "fakes up: fakes from %s are still running; run `fakes down` first\n",
                o->state_dir);
        return 1;
    }
    fflush(stdout);
    rc = up_steps(o, r, &started, keys);
    if (rc != 0)
        stop_started(o, r, started);
    free(keys[0]);
    free(keys[1]);
    return rc;
}

int fx_cmd_down(struct fx_opts *o)
{
    struct fx_running r[FX_NFAKES];
    struct fk_error err = {{0}};
    pid_t pids[FX_NFAKES];
    char path[PATH_MAX], marker[PATH_MAX], prog[64], pf[64];
    int n = 0, k = 0, rc;

    fx_resolve_state(o);
    rc = fx_pids_read(fx_state_path(o, "pids", path, sizeof(path)), r, FX_NFAKES, &n, &err);
    if (rc == FK_ENOTFOUND) {
        fprintf(stderr, "fakes down: nothing to stop (no %s)\n", path);
        return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "fakes down: %s\n", err.msg);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        snprintf(prog, sizeof(prog), "fake_%s", r[i].name);
        snprintf(pf, sizeof(pf), "%s.port", r[i].name);
        fx_state_path(o, pf, marker, sizeof(marker));
        if (fx_pid_is(r[i].pid, prog, marker)) {
            pids[k++] = r[i].pid;
            fprintf(stderr, "fakes: stopping %-8s (pid %d)\n", r[i].name, (int)r[i].pid);
        } else {
            fprintf(stderr, "fakes: %s (pid %d) is no longer running\n", r[i].name, (int)r[i].pid);
        }
        unlink(marker);
    }
    int left = fx_stop_pids(pids, k, STOP_GRACE_MS);
    unlink(path);
    if (left > 0) {
        fprintf(stderr, "fakes down: %d fake(s) survived SIGKILL\n", left);
        return 1;
    }
    return 0;
}
