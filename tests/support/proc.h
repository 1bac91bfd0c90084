/* proc.h: run a program to completion (or in the background) with its stdout captured.
 *
 * For tests that drive the provisioner: argv[0] is a program name looked up in $BIN, env is a
 * NULL-terminated list of "KEY=value" added to the current environment. */
#ifndef H_PROC_H
#define H_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct h_run {
    pid_t pid;
    int out_fd; /* read end of the child's stdout while running */
    char *out;  /* captured stdout, NUL-terminated (after h_run_wait) */
    int status; /* exit status, or 128 + signal */
};

/* Start argv with extra env; stderr goes to err_path (or is inherited when NULL). */
int h_run_start(struct h_run *r, const char *const *argv, const char *const *env,
                const char *err_path);
/* Wait for it and collect stdout. Returns r->status. */
int h_run_wait(struct h_run *r);
void h_run_free(struct h_run *r);
/* Start, wait: the usual case. */
int h_run(struct h_run *r, const char *const *argv, const char *const *env, const char *err_path);

#endif
