/* commands.h: the launcher's subcommands, called by main.c after it parsed the options.
 *
 * Every command returns the process exit status: 0 ok, 1 runtime failure (a fake would not
 * start, answered an error, or none is running), 2 usage (bad flag, unreadable file). Human
 * messages go to stderr, one line each, prefixed "fakes: "; stdout carries only what a
 * script reads (the env file path, the journal, the paths written). */
#ifndef FX_COMMANDS_H
#define FX_COMMANDS_H

#include <limits.h>
#include <stdbool.h>

#include <stdio.h>

#include <cjson/cJSON.h>

#include "fakes/state.h"

#define FX_USERS_MAX 16

struct fx_opts {
    char state_dir[PATH_MAX]; /* absolute once resolved */
    const char *env_file;     /* --env-file, NULL: STATE/env */
    const char *scenario;     /* --scenario, or the FILE of `fakes scenario FILE` */
    const char *db_dir;
    const char *bin_dir;             /* --bin or $FAKES_BIN, NULL: next to /proc/self/exe */
    const char *trace;               /* diagram --trace */
    const char *out;                 /* diagram --out PREFIX */
    const char *title;               /* diagram --title TEXT */
    const char *service;             /* scenario --service, for a single-fake document */
    const char *seed;                /* --seed N (validated digits) */
    bool json;                       /* journal --json */
    const char *log_level;           /* up --log-level (default info) */
    const char *users[FX_USERS_MAX]; /* up/token --user EMAIL[:PASSWORD] */
    int nusers;
    const char *const *paths; /* test PATH... */
    int npaths;
    const char *junit, *filter, *logs; /* test --junit, --filter, --logs */
    int jobs;                          /* test --jobs (0: 1) */
    bool livekit;                      /* token --livekit */
    bool tls;                          /* up/test --tls: the fakes speak HTTPS */
    const char *grants;                /* token --grants JSON */
    struct fx_creds creds;
};

int fx_cmd_up(struct fx_opts *o);
int fx_cmd_down(struct fx_opts *o);
int fx_cmd_scenario(struct fx_opts *o);
int fx_cmd_reset(struct fx_opts *o);
int fx_cmd_env(struct fx_opts *o);
int fx_cmd_journal(struct fx_opts *o);
int fx_cmd_diagram(struct fx_opts *o);
int fx_cmd_test(struct fx_opts *o);
int fx_cmd_token(struct fx_opts *o);

/* up --user: create each user of o->users in the running supabase fake at base (admin API,
 * confirmed). Prints why and returns 1 on failure. */
int fx_create_users(const struct fx_opts *o, const char *base);

/* Shared by the commands (cmd_ops.c). */
/* Make o->state_dir absolute (the pid file and /proc checks compare absolute paths) when it
 * exists; otherwise leave it as given. */
void fx_resolve_state(struct fx_opts *o);
/* The running fakes from STATE/pids; prints why and returns 1 when none are known. */
int fx_load_running(const struct fx_opts *o, struct fx_running *r, int *n);
/* "http://127.0.0.1:PORT" into buf. */
const char *fx_base_url(const struct fx_running *r, char *buf, size_t len);
/* STATE/name into buf. */
const char *fx_state_path(const struct fx_opts *o, const char *name, char *buf, size_t len);
/* When the running fakes of o's state dir speak HTTPS (`up --tls` left STATE/tls/ca.pem),
 * make every request trust that CA and fx_base_url say https. */
void fx_tls_detect(const struct fx_opts *o);
/* The env file `up` wrote (wherever --env-file put it), whole; NULL with err set. */
char *fx_env_file_read(const struct fx_opts *o, struct fk_error *err);
/* Read a whole file (NUL-terminated, caller frees); NULL with err set. */
char *fx_read_file(const char *path, struct fk_error *err);
/* Check a scenario file before anything runs: readable, valid JSON, valid against
 * schemas/scenario.schema.json, and (unless service names one fake) with a section per fake.
 * Prints why, prefixed with cmd, and returns 2; 0 when usable. */
int fx_scenario_usable(const char *cmd, const char *path, const char *service);
/* Whether the fake called name takes doc: the fakes it has a section for, or, for a one-fake
 * document (faults, rate_limits, state at the top), the one `service` names. With service
 * set, only that fake. */
bool fx_scenario_targets(const cJSON *doc, const char *service, const char *name);
/* Load doc (text is its JSON) into the fakes it targets among r[0..n), and only those: every
 * target first checks it (POST /__admin/scenario?dry_run=true), then each applies it, so a
 * document one fake refuses changes none. One line per fake to msgs (NULL: quiet). Returns 0,
 * or 1 with err saying which fake refused what. */
int fx_post_scenario(const struct fx_running *r, int n, const char *text, const cJSON *doc,
                     const char *service, FILE *msgs, struct fk_error *err);

#endif
