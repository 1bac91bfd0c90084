/* proc.c: spawn a program from $BIN with extra environment and capture its stdout. */
#include "tests/support/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/harness.h"

int h_run_start(struct h_run *r, const char *const *argv, const char *const *env,
                const char *err_path)
{
    int fds[2];
    const char *path = h_bin(argv[0]);
    char *prog = strdup(path);

    memset(r, 0, sizeof(*r));
    r->out_fd = -1;
    if (prog == NULL || pipe(fds) != 0) {
        free(prog);
        return -1;
    }
    r->pid = fork();
    if (r->pid < 0) {
        free(prog);
        return -1;
    }
    if (r->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (err_path != NULL) {
            int fd = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2(fd, STDERR_FILENO);
                close(fd);
            }
        }
        for (size_t i = 0; env != NULL && env[i] != NULL; i++)
            putenv((char *)env[i]);
        execv(prog, (char *const *)argv);
        fprintf(stderr, "proc: cannot exec %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    free(prog);
    close(fds[1]);
    r->out_fd = fds[0];
    return 0;
}

int h_run_wait(struct h_run *r)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;
    int st = 0;

    while (buf != NULL) {
        if (len + 1 >= cap) {
            char *b = realloc(buf, cap * 2);
            if (b == NULL)
                break;
            buf = b;
            cap *= 2;
        }
        n = read(r->out_fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    if (buf != NULL)
        buf[len] = '\0';
    close(r->out_fd);
    r->out_fd = -1;
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->out = buf;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r->status;
}

void h_run_free(struct h_run *r)
{
    if (r->out_fd >= 0)
        close(r->out_fd);
    free(r->out);
    memset(r, 0, sizeof(*r));
    r->out_fd = -1;
}

int h_run(struct h_run *r, const char *const *argv, const char *const *env, const char *err_path)
{
    if (h_run_start(r, argv, env, err_path) != 0)
        return -1;
    return h_run_wait(r);
}
