/* cmd_test.c: `fakes test [--junit FILE] [--filter GLOB] [--jobs N] [--logs DIR] PATH...`.
 *
 * Every case file is found, parsed and checked first, so a typo fails before anything
 * starts. Each valid case then runs in its own child process (up to --jobs at once) against
 * its own three fakes: a crash of one case cannot take the others down, and nothing is shared
 * between them but the log folder. A child writes its verdict to NAME/result in that folder;
 * the parent prints one line per case as it ends, then "N passed, N failed". Exit status: 0
 * when every case passed, 1 when any failed, 2 for usage (a path that does not exist, a filter
 * that selects nothing). Logs go to --logs DIR, kept; by default to a temporary folder that is
 * removed when every case passed and kept (and named) otherwise. */
#include "fakes/commands.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakekit/clock.h"
#include "fakes/admin_client.h"
#include "fakes/qa_case.h"
#include "fakes/qa_report.h"
#include "fakes/qa_run.h"
#include "fakes/tls_certs.h"
#include "fakes/trio.h"

struct slot {
    pid_t pid;
    size_t index; /* the case it runs */
};

static void result_path(const char *logs, const struct fx_case *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s/result", logs, c->name);
}

/* In the child: run the case, write "pass|fail SECONDS\nFAILURE" to its result file. */
static void child_run(const struct fx_run_env *env, const struct fx_case *c, pid_t parent)
{
    struct fx_result res;
    char path[PATH_MAX + 64];
    FILE *f;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(3);
    if (fx_case_run(env, c, &res) != 0)
        exit(3);
    result_path(env->logs, c, path, sizeof(path));
    f = fopen(path, "we");
    if (f != NULL) {
        fprintf(f, "%s %.3f\n%s", res.passed ? "pass" : "fail", res.seconds,
                res.failure != NULL ? res.failure : "");
        fclose(f);
    }
    fx_result_cleanup(&res);
    exit(f != NULL ? 0 : 3);
}

/* In the parent: the verdict of a child that ended with wait status st. */
static void collect(const char *logs, const struct fx_case *c, int st, double secs,
                    struct fx_result *res)
{
    char path[PATH_MAX + 64], word[8] = "";
    struct fk_error err = {{0}};

    memset(res, 0, sizeof(*res));
    result_path(logs, c, path, sizeof(path));
    char *text = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? fx_read_file(path, &err) : NULL;
    double s = secs;
    if (text != NULL && sscanf(text, "%7s %lf", word, &s) == 2 &&
        (strcmp(word, "pass") == 0 || strcmp(word, "fail") == 0)) {
        const char *nl = strchr(text, '\n');
        res->passed = strcmp(word, "pass") == 0;
        res->seconds = s;
        if (!res->passed)
            res->failure = strdup(nl != NULL && nl[1] ? nl + 1 : "failed\n");
    } else {
        res->seconds = secs;
        if (asprintf(&res->failure, "the runner itself failed on this case (%s %d)\n",
                     WIFSIGNALED(st) ? "signal" : "exit status",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st)) < 0)
            res->failure = NULL;
    }
    free(text);
}

static int run_all(const struct fx_run_env *env, const struct fx_cases *cs, int jobs,
                   struct fx_result *res, bool color)
{
    struct slot *slots = calloc((size_t)jobs, sizeof(*slots));
    int64_t *started = calloc(cs->n + 1, sizeof(*started));
    size_t next = 0, done = 0;
    pid_t self = getpid();

    if (slots == NULL || started == NULL) {
        free(slots);
        free(started);
        return FK_ENOMEM;
    }
    fflush(stdout);
    fflush(stderr);
    while (done < cs->n) {
        for (int k = 0; k < jobs && next < cs->n; k++) {
            if (slots[k].pid > 0)
                continue;
            size_t i = next++;
            if (cs->v[i].invalid != NULL) {
                res[i].failure = strdup(cs->v[i].invalid);
                fx_report_case(stdout, color, &cs->v[i], &res[i]);
                done++;
                k--; /* the slot is still free */
                continue;
            }
            started[i] = fk_mono_us();
            slots[k].index = i;
            slots[k].pid = fork();
            if (slots[k].pid == 0)
                child_run(env, &cs->v[i], self);
            if (slots[k].pid < 0) {
                res[i].failure = strdup("fork failed\n");
                slots[k].pid = 0;
                done++;
            }
        }
        int st = 0;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;
        for (int k = 0; k < jobs; k++) {
            if (slots[k].pid != pid)
                continue;
            size_t i = slots[k].index;
            collect(env->logs, &cs->v[i], st, (double)(fk_mono_us() - started[i]) / 1e6, &res[i]);
            fx_report_case(stdout, color, &cs->v[i], &res[i]);
            slots[k].pid = 0;
            done++;
        }
    }
    free(slots);
    free(started);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Where logs go: --logs DIR (made if missing), else a fresh temporary folder. */
static int logs_dir(const struct fx_opts *o, char *buf, size_t len, bool *temporary)
{
    const char *tmp = getenv("TMPDIR");

    *temporary = o->logs == NULL;
    if (o->logs != NULL) {
        snprintf(buf, len, "%s", o->logs);
        return mkdir(buf, 0755) == 0 || errno == EEXIST ? 0 : -1;
    }
    snprintf(buf, len, "%s/fakes-test.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    return mkdtemp(buf) != NULL ? 0 : -1;
}

/* Everything after the cases are known: run, report, clean up. */
static int test_cases(struct fx_opts *o, struct fx_cases *cs, const struct fx_creds *creds)
{
    char bin[PATH_MAX], logs[PATH_MAX];
    bool temporary, color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    struct fx_result *res = calloc(cs->n, sizeof(*res));
    struct fk_error err = {{0}};
    size_t failed = 0;
    int64_t t0 = fk_mono_us();
    int rc = 1;

    if (res == NULL || fx_bin_dir(o->bin_dir, bin, sizeof(bin)) != 0 ||
        logs_dir(o, logs, sizeof(logs), &temporary) != 0) {
        fprintf(stderr, "fakes test: %s\n",
                res == NULL ? "out of memory" : "cannot find the programs or make the logs folder");
        free(res);
        return 1;
    }
    struct fx_run_env env = {.bin = bin, .logs = logs, .creds = creds};
    char tls[PATH_MAX + 8], ca[PATH_MAX + 16];
    if (o->tls) { /* one throw-away CA for the run; every case's fakes use its certificate */
        snprintf(tls, sizeof(tls), "%s/tls", logs);
        snprintf(ca, sizeof(ca), "%s/ca.pem", tls);
        if ((mkdir(tls, 0755) != 0 && errno != EEXIST) || fx_tls_make(tls, &err) != 0) {
            fprintf(stderr, "fakes test: %s\n", err.msg[0] ? err.msg : strerror(errno));
            free(res);
            return 1;
        }
        fx_http_set_ca(ca);
        env.tls_dir = tls;
    }
    int jobs = o->jobs > 0 ? o->jobs : 1;
    printf("fakes test: %zu case%s, %d at a time%s, logs in %s\n", cs->n, cs->n == 1 ? "" : "s",
           jobs, o->tls ? ", over HTTPS" : "", logs);
    if (run_all(&env, cs, jobs, res, color) == 0) {
        double secs = (double)(fk_mono_us() - t0) / 1e6;
        for (size_t i = 0; i < cs->n; i++)
            failed += !res[i].passed;
        printf("%zu passed, %zu failed (%.1f s)\n", cs->n - failed, failed, secs);
        rc = failed > 0 ? 1 : 0;
        if (o->junit != NULL && fx_report_junit(o->junit, cs, res, secs, &err) != 0) {
            fprintf(stderr, "fakes test: %s\n", err.msg);
            rc = 1;
        }
    }
    if (temporary && rc == 0)
        nftw(logs, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    else if (failed > 0)
        printf("logs kept in %s\n", logs);
    for (size_t i = 0; i < cs->n; i++)
        fx_result_cleanup(&res[i]);
    free(res);
    return rc;
}

int fx_cmd_test(struct fx_opts *o)
{
    struct fx_cases cs;
    struct fk_error err = {{0}};
    struct fx_schemas *schemas = fx_schemas_load(&err);
    char *anon = NULL, *service = NULL;
    int rc = 2;

    if (schemas == NULL) {
        fprintf(stderr, "fakes test: %s\n", err.msg);
        return 1;
    }
    if (fx_cases_find(o->paths, o->npaths, o->filter, &cs, stderr, &err) != 0) {
        fprintf(stderr, "fakes test: %s\n", err.msg);
    } else if (cs.n == 0) {
        if (o->filter != NULL)
            fprintf(stderr, "fakes test: no case matches --filter '%s' (%zu case%s found)\n",
                    o->filter, cs.found, cs.found == 1 ? "" : "s");
        else
            fprintf(stderr, "fakes test: no case (NAME.json with NAME.expect.json) found\n");
    } else if (fx_cases_load(&cs, schemas) < 0) {
        fprintf(stderr, "fakes test: out of memory\n");
        rc = 1;
    } else {
        struct fx_creds creds = o->creds;
        anon = fx_supabase_key(creds.jwt_secret, "anon");
        service = fx_supabase_key(creds.jwt_secret, "service_role");
        creds.anon_key = anon;
        creds.service_key = service;
        rc = anon != NULL && service != NULL ? test_cases(o, &cs, &creds) : 1;
    }
    free(anon);
    free(service);
    fx_cases_free(&cs);
    fx_schemas_free(schemas);
    return rc;
}
