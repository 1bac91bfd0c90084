/* procs.c: spawn detached fakes, check /proc, stop them.
 *
 * The "listening on" line is read with poll() and a deadline, so a fake that hangs before
 * binding costs at most timeout_ms, and a fake that exits (bad flag, port in use) is seen
 * at once as end-of-file. */
#include "fakes/procs.h"

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

/* The last non-empty line of a log file (why a fake would not start), or "". */
static void log_tail(const char *path, char *out, size_t len)
{
    char buf[4096];
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    out[0] = '\0';
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    if (end > 0 &&
        lseek(fd, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0, SEEK_SET) >= 0)
        n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    const char *nl = strrchr(buf, '\n'), *src = nl != NULL ? nl + 1 : buf;
    size_t m = strlen(src) < len ? strlen(src) : len - 1;
    memcpy(out, src, m);
    out[m] = '\0';
}

static void child_exec(const char *path, const char *const *args, int out_fd, int log_fd,
                       unsigned flags, pid_t parent)
{
    const char *argv[64];
    int n = 0, devnull = open("/dev/null", O_RDONLY);

    /* A tied fake gets SIGTERM when the thread that started it ends, so a runner killed
     * in the middle of a case leaves nothing behind; the getppid() test closes the window
     * in which the parent died before prctl. */
    if ((flags & FX_SPAWN_TIED) != 0 &&
        (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent))
        _exit(127);

    argv[n++] = path;
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    /* A new session: no controlling terminal, and a Ctrl-C or a CI step's process-group
     * kill aimed at `fakes up` does not reach the fakes. */
    setsid();
    if (devnull >= 0)
        dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    /* Descriptors the caller of `fakes up` left open (a CI runner's or a test's pipes) must
     * not stay open in a daemon that outlives it, or their readers never see end-of-file. */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    execv(path, (char *const *)argv);
    fprintf(stderr, "fakes: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* Read one line from fd before deadline (mono µs). 0, or -1 on EOF/error/timeout with why
 * set to "timeout" or "exit". */
static int read_line(int fd, int64_t deadline, char *line, size_t len, const char **why)
{
    size_t used = 0;

    *why = "exit";
    while (used + 1 < len) {
        int64_t left = (deadline - fk_mono_us()) / 1000;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0) {
            *why = "timeout";
            return -1;
        }
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            *why = "timeout";
            return -1;
        }
        ssize_t got = r < 0 ? -1 : read(fd, line + used, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        if (line[used] == '\n') {
            line[used] = '\0';
            return 0;
        }
        used++;
    }
    line[used] = '\0';
    return 0;
}

int fx_spawn(const char *path, const char *const *args, const char *log_path, long timeout_ms,
             unsigned flags, pid_t *pid, unsigned *port, struct fk_error *err)
{
    pid_t self = getpid();
    int fds[2] = {-1, -1}, log_fd = -1;
    char line[512], tail[300];
    const char *why;
    pid_t child;

    *pid = 0;
    *port = 0;
    if (access(path, X_OK) != 0) {
        fk_error_set(err, "%s: %s", path, strerror(errno));
        return FK_EIO;
    }
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0 || pipe2(fds, O_CLOEXEC) != 0) {
        fk_error_set(err, "%s: %s", log_fd < 0 ? log_path : "pipe", strerror(errno));
        if (log_fd >= 0)
            close(log_fd);
        return FK_EIO;
    }
    child = fork();
    if (child == 0)
        child_exec(path, args, fds[1], log_fd, flags, self);
    close(fds[1]);
    close(log_fd);
    if (child < 0) {
        fk_error_set(err, "fork: %s", strerror(errno));
        close(fds[0]);
        return FK_EIO;
    }
    int rc = read_line(fds[0], fk_mono_us() + timeout_ms * 1000, line, sizeof(line), &why);
    close(fds[0]);
    const char *url = strncmp(line, "listening on ", 13) == 0 ? line + 13 : "";
    const char *host = strncmp(url, "https://", 8) == 0  ? url + 8
                       : strncmp(url, "http://", 7) == 0 ? url + 7
                                                         : NULL;
    if (rc == 0 && host != NULL && sscanf(host, "%*[^:]:%u", port) == 1 && *port > 0) {
        *pid = child;
        return 0;
    }
    pid_t one[1] = {child};
    fx_stop_pids(one, 1, 2000);
    log_tail(log_path, tail, sizeof(tail));
    if (rc == 0)
        fk_error_set(err, "%s printed '%.200s', not a listening line", path, line);
    else
        fk_error_set(err, "%s %s before listening%s%s (log: %s)", path,
                     strcmp(why, "timeout") == 0 ? "timed out" : "exited", *tail ? ": " : "", tail,
                     log_path);
    return FK_EIO;
}

bool fx_pid_alive(pid_t pid)
{
    char path[64], buf[512];
    FILE *f;
    char *close_paren;

    if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
        return false;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "re")) == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "PID (comm) STATE ...": comm may hold spaces and parentheses, so use the last ')'. */
    close_paren = strrchr(buf, ')');
    return close_paren == NULL || close_paren[1] == '\0' || close_paren[2] != 'Z';
}

bool fx_pid_is(pid_t pid, const char *program, const char *marker)
{
    char path[64], buf[8192];
    bool name_ok = false, marker_ok = marker == NULL;
    size_t n;
    FILE *f;

    if (pid <= 0)
        return false;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if ((f = fopen(path, "re")) == NULL)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t off = 0; off < n; off += strlen(buf + off) + 1) {
        const char *arg = buf + off, *base = strrchr(arg, '/');
        if (off == 0)
            name_ok = strcmp(base != NULL ? base + 1 : arg, program) == 0;
        else if (marker != NULL && strcmp(arg, marker) == 0)
            marker_ok = true;
    }
    return name_ok && marker_ok;
}

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Wait until every pid has ended or the deadline passes; reap our own children, keeping
 * their wait statuses in status[i] when status is not NULL (done[i] marks the reaped). */
static int wait_all(const pid_t *pids, int n, long ms, int *status, bool *done)
{
    int64_t deadline = fk_mono_us() + (int64_t)ms * 1000;
    int alive;

    for (;;) {
        alive = 0;
        for (int i = 0; i < n; i++) {
            int st = 0;
            if (pids[i] <= 0 || done[i])
                continue;
            pid_t w = waitpid(pids[i], &st, WNOHANG);
            if (w == pids[i]) {
                done[i] = true;
                if (status != NULL)
                    status[i] = st;
            } else if (w == 0) {
                alive++; /* our child, still running (its leader may already show as a
                          * zombie in /proc while its other threads finish) */
            } else if (fx_pid_alive(pids[i])) {
                alive++; /* ECHILD: a fake another `up` started; /proc tells */
            } else {
                done[i] = true;
            }
        }
        if (alive == 0 || fk_mono_us() >= deadline)
            return alive;
        /* Not our children, so there is no wait() to block in: look again shortly. */
        pause_ms(10);
    }
}

int fx_stop_children(const pid_t *pids, int n, long grace_ms, int *status)
{
    bool done[FX_STOP_MAX] = {false};

    if (n > FX_STOP_MAX)
        n = FX_STOP_MAX;
    for (int i = 0; i < n; i++) {
        if (status != NULL)
            status[i] = -1;
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    }
    if (wait_all(pids, n, grace_ms, status, done) == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        if (pids[i] > 0 && !done[i] && fx_pid_alive(pids[i]))
            kill(pids[i], SIGKILL);
    }
    return wait_all(pids, n, 2000, status, done);
}

int fx_stop_pids(const pid_t *pids, int n, long grace_ms)
{
    return fx_stop_children(pids, n, grace_ms, NULL);
}
