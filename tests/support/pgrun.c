/* pgrun.c: see pgrun.h. */
#include "tests/support/pgrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/files.h"

static long split_lines(char *text, char ***lines)
{
    char *save = NULL;
    size_t n = 0, cap = 0;

    *lines = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (n == cap) {
            char **grown = realloc(*lines, (cap = cap ? cap * 2 : 1024) * sizeof **lines);
            if (grown == NULL)
                goto fail;
            *lines = grown;
        }
        if (((*lines)[n] = strdup(line)) == NULL)
            goto fail;
        n++;
    }
    return (long)n;
fail:
    pgrun_free(*lines, n);
    *lines = NULL;
    return -1;
}

long pgrun(const char *sql, size_t len, char ***lines)
{
    char sql_path[] = "/tmp/pgrun-sql.XXXXXX", out_path[] = "/tmp/pgrun-out.XXXXXX";
    int fd = mkstemp(sql_path), ofd = mkstemp(out_path), status = -1;
    long n = -1;
    pid_t pid;

    *lines = NULL;
    if (fd < 0 || ofd < 0) {
        perror("pgrun: mkstemp");
        goto out;
    }
    close(ofd);
    ofd = -1;
    if (write(fd, sql, len) != (ssize_t)len) {
        perror("pgrun: write");
        goto out;
    }
    close(fd);
    fd = -1;
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "tests/pgdiff/pg-run.sh", sql_path, out_path, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        goto out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr,
                "pgrun: tests/pgdiff/pg-run.sh exited %d: PostgreSQL missing (scripts/deps.sh "
                "installs Debian's postgresql) or a statement failed (psql's error above)\n",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        goto out;
    }
    {
        char *text = h_slurp(out_path);
        n = split_lines(text, lines);
        free(text);
    }
out:
    if (fd >= 0)
        close(fd);
    if (ofd >= 0)
        close(ofd);
    unlink(sql_path);
    unlink(out_path);
    return n;
}

void pgrun_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

void pgrun_put_literal(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}
