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

#include "fakes/state.h"

struct fx_opts {
    char state_dir[PATH_MAX]; /* absolute once resolved */
    const char *env_file;     /* --env-file, NULL: STATE/env */
    const char *scenario;     /* --scenario, or the FILE of `fakes scenario FILE` */
    const char *db_dir;
    const char *bin_dir; /* --bin or $FAKES_BIN, NULL: next to /proc/self/exe */
    const char *trace;   /* diagram --trace */
    const char *out;     /* diagram --out PREFIX */
    const char *service; /* scenario --service, for a single-fake document */
    const char *seed;    /* --seed N (validated digits) */
    bool json;           /* journal --json */
    struct fx_creds creds;
};

int fx_cmd_up(struct fx_opts *o);
int fx_cmd_down(struct fx_opts *o);
int fx_cmd_scenario(struct fx_opts *o);
int fx_cmd_reset(struct fx_opts *o);
int fx_cmd_env(struct fx_opts *o);
int fx_cmd_journal(struct fx_opts *o);
int fx_cmd_diagram(struct fx_opts *o);

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
/* Read a whole file (NUL-terminated, caller frees); NULL with err set. */
char *fx_read_file(const char *path, struct fk_error *err);
/* POST a scenario document to the fakes in r[0..n) (all of them, or only `service`),
 * printing one line per fake. Returns 0, or 1 if any fake refused it. */
int fx_post_scenario(const struct fx_running *r, int n, const char *doc, const char *service);

#endif
