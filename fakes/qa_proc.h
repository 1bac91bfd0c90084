/* qa_proc.h: the provisioner runs of a `fakes test` case.
 *
 * n copies of one command start at once (a step's "concurrent"), each with the caller's
 * environment plus overrides, stdout captured through a pipe, stderr appended to a file. The
 * call returns when all have exited or the deadline passed (then the rest are killed). The
 * children die with the thread that started them (PR_SET_PDEATHSIG), so an interrupted
 * runner leaves no provisioner behind. Thread-safe: descriptors are close-on-exec, and the
 * child calls only async-signal-safe functions between fork and exec. */
#ifndef FX_QA_PROC_H
#define FX_QA_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "fakekit/buf.h"
#include "fakekit/err.h"

#define FX_CHILDREN_MAX 8

struct fx_child {
    pid_t pid;
    int out_fd;
    struct fk_buf out; /* stdout, NUL-terminated */
    int status;        /* exit code, 128 + signal number, or -1 when it never ran */
    bool timed_out;    /* killed at the deadline */
};

/* Run n (1..FX_CHILDREN_MAX) copies of argv (argv[0] a path) with env ("KEY=value" strings,
 * NULL-terminated, overriding the inherited environment) and stderr appended to err_path.
 * Returns 0 once all have ended, or FK_EIO / FK_ENOMEM with err when they could not start.
 * Each ch[i] must be cleaned up with fx_child_cleanup. */
int fx_children_run(struct fx_child *ch, int n, const char *const *argv, const char *const *env,
                    const char *err_path, long timeout_ms, struct fk_error *err) FK_MUST_CHECK;
void fx_child_cleanup(struct fx_child *ch);

/* The last max_lines lines of a text file (for a failure message), or "" (caller frees;
 * NULL on ENOMEM). */
char *fx_file_tail(const char *path, int max_lines);

#endif
