/* qa_proc.c: spawn, capture and reap the provisioner runs of a case (see qa_proc.h). */
#include "fakes/qa_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fakekit/clock.h"

#define OUT_MAX (4L * 1024 * 1024) /* the provisioner prints one JSON object */

extern char **environ;

/* environ without the keys env overrides, then env. The strings are borrowed. */
static char **build_envp(const char *const *env)
{
    size_t n = 0, k = 0, extra = 0;

    while (environ[n] != NULL)
        n++;
    while (env != NULL && env[extra] != NULL)
        extra++;
    char **out = calloc(n + extra + 1, sizeof(*out));
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t klen = eq != NULL ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool overridden = false;
        for (size_t j = 0; j < extra && !overridden; j++)
            overridden = strncmp(env[j], environ[i], klen) == 0 && env[j][klen] == '=';
        if (!overridden)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < extra; j++)
        out[k++] = (char *)env[j];
    out[k] = NULL;
    return out;
}

static void child(const char *const *argv, char **envp, int out_fd, int err_fd, pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(127);
    dup2(out_fd, STDOUT_FILENO);
    if (err_fd >= 0)
        dup2(err_fd, STDERR_FILENO);
    execve(argv[0], (char *const *)argv, envp);
    _exit(127);
}

static int start(struct fx_child *ch, const char *const *argv, char **envp, int err_fd,
                 struct fk_error *err)
{
    int fds[2];
    pid_t self = getpid();

    if (pipe2(fds, O_CLOEXEC) != 0) {
        fk_error_set(err, "pipe: %s", strerror(errno));
        return FK_EIO;
    }
    ch->pid = fork();
    if (ch->pid == 0)
        child(argv, envp, fds[1], err_fd, self);
    close(fds[1]);
    if (ch->pid < 0) {
        close(fds[0]);
        fk_error_set(err, "fork: %s", strerror(errno));
        return FK_EIO;
    }
    ch->out_fd = fds[0];
    return 0;
}

/* Read every child's stdout until all reach end-of-file or the deadline. */
static void drain(struct fx_child *ch, int n, int64_t deadline)
{
    struct pollfd p[FX_CHILDREN_MAX];
    char buf[4096];

    for (;;) {
        int open_fds = 0;
        for (int i = 0; i < n; i++) {
            p[i].fd = ch[i].out_fd;
            p[i].events = POLLIN;
            open_fds += ch[i].out_fd >= 0;
        }
        int64_t left = (deadline - fk_mono_us()) / 1000;
        if (open_fds == 0 || left <= 0)
            return;
        int r = poll(p, (nfds_t)n, left > 1000 ? 1000 : (int)left);
        if (r < 0 && errno != EINTR)
            return;
        for (int i = 0; i < n && r > 0; i++) {
            if (ch[i].out_fd < 0 || (p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
                continue;
            ssize_t got = read(ch[i].out_fd, buf, sizeof(buf));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || fk_buf_add(&ch[i].out, buf, (size_t)got) != 0) {
                close(ch[i].out_fd);
                ch[i].out_fd = -1;
            }
        }
    }
}

/* Reap each child, killing those still running at the deadline. */
static void reap(struct fx_child *ch, int n, int64_t deadline)
{
    for (int i = 0; i < n; i++) {
        int st = 0;
        if (ch[i].pid <= 0)
            continue;
        while (waitpid(ch[i].pid, &st, WNOHANG) == 0) {
            if (fk_mono_us() >= deadline) {
                kill(ch[i].pid, SIGKILL);
                ch[i].timed_out = true;
                while (waitpid(ch[i].pid, &st, 0) < 0 && errno == EINTR)
                    ;
                break;
            }
            struct timespec ts = {0, 5 * 1000000L};
            nanosleep(&ts, NULL);
        }
        ch[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        ch[i].pid = 0;
    }
}

int fx_children_run(struct fx_child *ch, int n, const char *const *argv, const char *const *env,
                    const char *err_path, long timeout_ms, struct fk_error *err)
{
    int64_t deadline = fk_mono_us() + (int64_t)timeout_ms * 1000;
    char **envp = build_envp(env);
    int err_fd = open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int rc = envp == NULL ? FK_ENOMEM : 0, started = 0;

    for (int i = 0; i < n; i++) {
        memset(&ch[i], 0, sizeof(ch[i]));
        ch[i].out_fd = -1;
        ch[i].status = -1;
        fk_buf_init(&ch[i].out, OUT_MAX);
    }
    if (rc != 0)
        fk_error_set(err, "out of memory");
    for (; rc == 0 && started < n; started++)
        rc = start(&ch[started], argv, envp, err_fd, err);
    drain(ch, started, deadline);
    reap(ch, started, deadline);
    if (err_fd >= 0)
        close(err_fd);
    free(envp);
    return rc;
}

void fx_child_cleanup(struct fx_child *ch)
{
    if (ch->out_fd >= 0)
        close(ch->out_fd);
    ch->out_fd = -1;
    fk_buf_cleanup(&ch->out);
}

char *fx_file_tail(const char *path, int max_lines)
{
    char buf[8192];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = 0;

    if (fd >= 0) {
        off_t end = lseek(fd, 0, SEEK_END);
        off_t from = end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0;
        if (end > 0 && lseek(fd, from, SEEK_SET) >= 0)
            n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
    }
    size_t len = n > 0 ? (size_t)n : 0, i;
    int lines = 0;

    while (len > 0 && buf[len - 1] == '\n')
        len--;
    buf[len] = '\0';
    for (i = len; i > 0; i--) {
        if (buf[i - 1] == '\n' && ++lines == max_lines)
            break;
    }
    return strdup(buf + i);
}
