/* trio.c: start, health-check and stop the three fakes as one set (see trio.h). */
#include "fakes/trio.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fakes/admin_client.h"
#include "fakes/commands.h"
#include "fakes/procs.h"

#define START_TIMEOUT_MS 10000 /* a fake under ASan starts in well under a second */
#define HEALTH_TRIES     50

int fx_bin_dir(const char *given, char *buf, size_t len)
{
    ssize_t n;

    if (given != NULL) {
        snprintf(buf, len, "%s", given);
        return 0;
    }
    n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    return 0;
}

static int start_one(const struct fx_trio_opts *t, const char *name, struct fx_running *r,
                     struct fk_error *err)
{
    char path[PATH_MAX + 32], port_file[PATH_MAX + 16], log[PATH_MAX + 16], db[PATH_MAX + 16];
    char cert[PATH_MAX + 16], key[PATH_MAX + 16];
    const struct fx_creds *c = t->creds;
    const char *args[32];
    int n = 0;
    struct fk_error why = {{0}};

    snprintf(path, sizeof(path), "%s/fake_%s", t->bin, name);
    snprintf(port_file, sizeof(port_file), "%s/%s.port", t->dir, name);
    snprintf(log, sizeof(log), "%s/%s.log", t->dir, name);
    args[n++] = "--port";
    args[n++] = "0";
    args[n++] = "--port-file";
    args[n++] = port_file;
    if (t->log_level != NULL) {
        args[n++] = "--log-level";
        args[n++] = t->log_level;
    }
    if (t->db_dir != NULL) {
        snprintf(db, sizeof(db), "%s/%s.db", t->db_dir, name);
        args[n++] = "--db";
        args[n++] = db;
    }
    if (t->seed != NULL) {
        args[n++] = "--seed";
        args[n++] = t->seed;
    }
    if (t->tls_dir != NULL) {
        snprintf(cert, sizeof(cert), "%s/cert.pem", t->tls_dir);
        snprintf(key, sizeof(key), "%s/key.pem", t->tls_dir);
        args[n++] = "--tls-cert";
        args[n++] = cert;
        args[n++] = "--tls-key";
        args[n++] = key;
    }
    if (strcmp(name, "twilio") == 0) {
        args[n++] = "--account-sid";
        args[n++] = c->account_sid;
        args[n++] = "--auth-token";
        args[n++] = c->auth_token;
    } else if (strcmp(name, "livekit") == 0) {
        args[n++] = "--api-key";
        args[n++] = c->lk_key;
        args[n++] = "--api-secret";
        args[n++] = c->lk_secret;
    } else {
        args[n++] = "--jwt-secret";
        args[n++] = c->jwt_secret;
    }
    args[n] = NULL;
    r->name = name;
    if (fx_spawn(path, args, log, START_TIMEOUT_MS, t->spawn_flags, &r->pid, &r->port, &why) != 0) {
        fk_error_set(err, "%s did not start: %s", name, why.msg);
        return FK_EIO;
    }
    return 0;
}

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* The fake printed its listening line, so one try normally passes; the retries cover a
 * fake whose admin API comes up a moment after the socket. */
static int health(const struct fx_running *r, struct fk_error *err)
{
    char url[128], base[64];
    struct fx_http h = {0};

    snprintf(url, sizeof(url), "%s/__admin/health", fx_base_url(r, base, sizeof(base)));
    for (int i = 0; i < HEALTH_TRIES; i++) {
        int rc = fx_http_do("GET", url, NULL, 2000, &h);
        cJSON *j = rc == 0 && h.status == 200 ? cJSON_Parse(h.body) : NULL;
        const cJSON *svc = cJSON_GetObjectItemCaseSensitive(j, "service");
        bool ok = cJSON_IsString(svc) && strcmp(svc->valuestring, r->name) == 0;
        cJSON_Delete(j);
        if (ok) {
            fx_http_cleanup(&h);
            return 0;
        }
        if (i + 1 < HEALTH_TRIES) {
            fx_http_cleanup(&h);
            pause_ms(20);
        }
    }
    fk_error_set(err, "%s at %s is not healthy: %s", r->name, url,
                 h.error[0] ? h.error : (h.body ? h.body : ""));
    fx_http_cleanup(&h);
    return FK_EIO;
}

int fx_trio_start(const struct fx_trio_opts *t, struct fx_running r[FX_NFAKES],
                  struct fk_error *err)
{
    int started = 0, rc = 0;

    memset(r, 0, sizeof(*r) * FX_NFAKES);
    for (; started < FX_NFAKES && rc == 0; started++)
        rc = start_one(t, fx_fake_names[started], &r[started], err);
    if (rc != 0)
        started--; /* the one that failed left nothing running */
    for (int i = 0; i < FX_NFAKES && rc == 0; i++)
        rc = health(&r[i], err);
    if (rc != 0)
        fx_trio_stop(r, started, 10000, NULL);
    return rc;
}

int fx_trio_stop(const struct fx_running *r, int n, long grace_ms, int *status)
{
    pid_t pids[FX_NFAKES];

    for (int i = 0; i < n && i < FX_NFAKES; i++)
        pids[i] = r[i].pid;
    return fx_stop_children(pids, n < FX_NFAKES ? n : FX_NFAKES, grace_ms, status);
}
