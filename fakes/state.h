/* state.h: the launcher's files: the pid file, the env file, and the credentials in it.
 *
 * STATE/pids holds one line per fake, "NAME PID PORT", written by `up` once every fake
 * listens and read by every other command (ports give the URLs; pids are what `down` may
 * signal). The env file is KEY=value lines that sh, bash, docker --env-file and GitHub's
 * $GITHUB_ENV all read as is, which is why values are restricted to characters that need
 * no quoting (fx_env_value_ok). */
#ifndef FX_STATE_H
#define FX_STATE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "fakekit/err.h"

#define FX_NFAKES 3

/* "twilio", "livekit", "supabase": start order and pid-file order. */
extern const char *const fx_fake_names[FX_NFAKES];

struct fx_running {
    const char *name; /* one of fx_fake_names (static) */
    pid_t pid;
    unsigned port;
};

/* Credentials the launcher passes to the fakes and writes to the env file (all borrowed). */
struct fx_creds {
    const char *account_sid, *auth_token; /* twilio */
    const char *lk_key, *lk_secret;       /* livekit */
    const char *jwt_secret;               /* supabase */
    const char *anon_key, *service_key;   /* supabase, derived from jwt_secret */
    const char *admin_token;              /* FAKE_ADMIN_TOKEN, NULL: the admin API is open */
    const char *ca_file;                  /* the CA of `up --tls`; NULL: plain HTTP */
};

/* Write path atomically (temporary file, then rename). 0 or FK_EIO with err. */
int fx_pids_write(const char *path, const struct fx_running *r, int n,
                  struct fk_error *err) FK_MUST_CHECK;
/* Read the pid file into r[0..max). Returns 0 with *n set, FK_ENOTFOUND when there is no
 * file, FK_EINVAL (err says which line) when a line is not "NAME PID PORT" for a known NAME. */
int fx_pids_read(const char *path, struct fx_running *r, int max, int *n,
                 struct fk_error *err) FK_MUST_CHECK;

/* Safe without quotes in sh and env files: [A-Za-z0-9] and . _ - + / = : @ ~ , ; never
 * empty. */
bool fx_env_value_ok(const char *v);

/* The env file's content for fakes on 127.0.0.1 at ports r[] (in fx_fake_names order). */
void fx_env_print(FILE *out, const struct fx_creds *c, const struct fx_running *r);

/* Write the env file atomically. 0 or FK_EIO with err. */
int fx_env_write(const char *path, const struct fx_creds *c, const struct fx_running *r,
                 struct fk_error *err) FK_MUST_CHECK;

/* A Supabase API key for role ("anon", "service_role") signed with secret from the CLI's
 * payload {"iss":"supabase-demo","role":ROLE,"exp":1983812996} (docs/reference/supabase.md section
 * 5): with the CLI's default secret this is exactly its well-known key. Caller frees; NULL on
 * ENOMEM. Used when the fake has no GET /__admin/keys. */
char *fx_supabase_key(const char *secret, const char *role);

#endif
