/* state.c: pid file, env file, Supabase keys. */
#include "fakes/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fakekit/jwt.h"

const char *const fx_fake_names[FX_NFAKES] = {"twilio", "livekit", "supabase"};

/* Open path.tmp for writing; fx_commit renames it over path. */
static FILE *open_tmp(const char *path, char *tmp, size_t len, struct fk_error *err)
{
    FILE *f;

    snprintf(tmp, len, "%s.tmp.%d", path, (int)getpid());
    if ((f = fopen(tmp, "we")) == NULL)
        fk_error_set(err, "%s: %s", tmp, strerror(errno));
    return f;
}

static int commit(FILE *f, const char *tmp, const char *path, struct fk_error *err)
{
    bool bad = ferror(f) != 0;

    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        fk_error_set(err, "%s: %s", path, strerror(errno ? errno : EIO));
        unlink(tmp);
        return FK_EIO;
    }
    return 0;
}

int fx_pids_write(const char *path, const struct fx_running *r, int n, struct fk_error *err)
{
    char tmp[4200];
    FILE *f = open_tmp(path, tmp, sizeof(tmp), err);

    if (f == NULL)
        return FK_EIO;
    for (int i = 0; i < n; i++)
        fprintf(f, "%s %d %u\n", r[i].name, (int)r[i].pid, r[i].port);
    return commit(f, tmp, path, err);
}

static const char *known_name(const char *s)
{
    for (int i = 0; i < FX_NFAKES; i++) {
        if (strcmp(s, fx_fake_names[i]) == 0)
            return fx_fake_names[i];
    }
    return NULL;
}

int fx_pids_read(const char *path, struct fx_running *r, int max, int *n, struct fk_error *err)
{
    FILE *f = fopen(path, "re");
    char line[256], name[32];
    int lineno = 0, pid;
    unsigned port;

    *n = 0;
    if (f == NULL) {
        if (errno == ENOENT)
            return FK_ENOTFOUND;
        fk_error_set(err, "%s: %s", path, strerror(errno));
        return FK_EIO;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        if (line[0] == '\n' || line[0] == '#')
            continue;
        if (sscanf(line, "%31s %d %u", name, &pid, &port) != 3 || known_name(name) == NULL ||
            pid <= 1 || port == 0 || port > 65535 || *n >= max) {
            fk_error_set(err, "%s:%d: expected 'NAME PID PORT'", path, lineno);
            fclose(f);
            return FK_EINVAL;
        }
        r[*n].name = known_name(name);
        r[*n].pid = (pid_t)pid;
        r[*n].port = port;
        (*n)++;
    }
    fclose(f);
    return 0;
}

bool fx_env_value_ok(const char *v)
{
    if (v == NULL || *v == '\0')
        return false;
    for (; *v != '\0'; v++) {
        if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
              strchr("._-+/=:@~,", *v) != NULL))
            return false;
    }
    return true;
}

static unsigned port_of(const struct fx_running *r, const char *name)
{
    for (int i = 0; i < FX_NFAKES; i++) {
        if (r[i].name != NULL && strcmp(r[i].name, name) == 0)
            return r[i].port;
    }
    return 0;
}

void fx_env_print(FILE *out, const struct fx_creds *c, const struct fx_running *r)
{
    unsigned tw = port_of(r, "twilio"), lk = port_of(r, "livekit"), sb = port_of(r, "supabase");
    const char *s = c->ca_file != NULL ? "https" : "http";

    fprintf(out,
            "TWILIO_API_BASE=%s://127.0.0.1:%u\n"
            "TWILIO_ACCOUNT_SID=%s\n"
            "TWILIO_AUTH_TOKEN=%s\n"
            "SUPABASE_URL=%s://127.0.0.1:%u\n"
            "SUPABASE_ANON_KEY=%s\n"
            "SUPABASE_SERVICE_ROLE_KEY=%s\n"
            "SUPABASE_JWT_SECRET=%s\n"
            "LIVEKIT_URL=%s://127.0.0.1:%u\n"
            "LIVEKIT_API_KEY=%s\n"
            "LIVEKIT_API_SECRET=%s\n"
            "FAKE_TWILIO_ADMIN=%s://127.0.0.1:%u/__admin\n"
            "FAKE_LIVEKIT_ADMIN=%s://127.0.0.1:%u/__admin\n"
            "FAKE_SUPABASE_ADMIN=%s://127.0.0.1:%u/__admin\n",
            s, tw, c->account_sid, c->auth_token, s, sb, c->anon_key, c->service_key, c->jwt_secret,
            s, lk, c->lk_key, c->lk_secret, s, tw, s, lk, s, sb);
    if (c->admin_token != NULL)
        fprintf(out, "FAKE_ADMIN_TOKEN=%s\n", c->admin_token);
    /* The throw-away CA of `up --tls`: the provisioner's setting, the launcher's own name for
     * it, and Node's, which adds it to Node's trust store rather than replacing that store. */
    if (c->ca_file != NULL)
        fprintf(out, "PROV_CA_FILE=%s\nFAKES_CA_FILE=%s\nNODE_EXTRA_CA_CERTS=%s\n", c->ca_file,
                c->ca_file, c->ca_file);
}

int fx_env_write(const char *path, const struct fx_creds *c, const struct fx_running *r,
                 struct fk_error *err)
{
    char tmp[4200];
    FILE *f = open_tmp(path, tmp, sizeof(tmp), err);

    if (f == NULL)
        return FK_EIO;
    fx_env_print(f, c, r);
    return commit(f, tmp, path, err);
}

char *fx_supabase_key(const char *secret, const char *role)
{
    cJSON *claims = cJSON_CreateObject();
    char *tok = NULL;

    /* Key order matters: the CLI's keys encode {"iss","role","exp"} in this order. */
    if (claims != NULL && cJSON_AddStringToObject(claims, "iss", "supabase-demo") != NULL &&
        cJSON_AddStringToObject(claims, "role", role) != NULL &&
        cJSON_AddNumberToObject(claims, "exp", 1983812996) != NULL)
        tok = fk_jwt_sign(claims, secret, true);
    cJSON_Delete(claims);
    return tok;
}
