/* test_scenarios.c: the one runner for tests/scenarios/ (QA's cases, data not C).
 *
 * Each tests/scenarios/NAME.json is a scenario document exactly as the fakes take it, and
 * NAME.expect.json beside it says what must happen (README "Writing a scenario"). For each pair
 * the runner starts the three fakes, loads the document into each, signs the user in, runs
 * the provisioner steps with the fakes' URLs in its environment, then checks exit codes,
 * output fields, journal counts and the state across the three services. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/flowkit.h"
#include "tests/support/harness.h"
#include "tests/support/proc.h"

#define DIR_SCENARIOS "tests/scenarios"
#define MAX_CASES     200

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(f);
    return buf;
}

/* "*" in an expected output matches any non-null value; other values must be equal. */
static void check_output(const char *name, size_t step, const cJSON *want, const char *out)
{
    cJSON *got = cJSON_Parse(out != NULL ? out : "");
    const cJSON *w;

    if (!cJSON_IsObject(got))
        fail_msg("%s: step %zu: output is not one JSON object: %s", name, step, out);
    cJSON_ArrayForEach(w, want)
    {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        bool ok;
        if (cJSON_IsString(w) && strcmp(w->valuestring, "*") == 0)
            ok = g != NULL && !cJSON_IsNull(g);
        else
            ok = g != NULL && cJSON_Compare(w, g, true);
        if (!ok) {
            char *gs = g != NULL ? cJSON_PrintUnformatted(g) : NULL;
            char *ws = cJSON_PrintUnformatted(w);
            print_error("%s: step %zu: output.%s is %s, expected %s\n", name, step, w->string,
                        gs != NULL ? gs : "absent", ws);
            cJSON_free(gs);
            cJSON_free(ws);
            cJSON_Delete(got);
            fail();
        }
    }
    cJSON_Delete(got);
}

/* Substitute $TOKEN and $USER_ID in the step's arguments. */
static void build_argv(const struct h_flow *fl, const cJSON *args, const char **argv, size_t max)
{
    size_t n = 0;
    const cJSON *a;

    argv[n++] = "provisioner";
    cJSON_ArrayForEach(a, args)
    {
        if (n + 1 >= max || !cJSON_IsString(a))
            break;
        if (strcmp(a->valuestring, "$TOKEN") == 0)
            argv[n++] = fl->token;
        else if (strcmp(a->valuestring, "$USER_ID") == 0)
            argv[n++] = fl->user_id;
        else
            argv[n++] = a->valuestring;
    }
    argv[n] = NULL;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* What a case holds while it runs; the per-case teardown releases whatever a failed
 * assertion left behind, so a failing case never leaves fakes running. */
static struct h_flow cur;
static bool cur_running;
static struct h_run runs[8];
static int nruns;
static cJSON *doc, *expect;

static void run_step(struct h_flow *fl, const char *name, size_t i, const cJSON *step)
{
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(step, "args");
    const cJSON *conc = cJSON_GetObjectItemCaseSensitive(step, "concurrent");
    const cJSON *exits = cJSON_GetObjectItemCaseSensitive(step, "exits");
    const cJSON *exit_code = cJSON_GetObjectItemCaseSensitive(step, "exit");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(step, "output");
    const cJSON *scenario = cJSON_GetObjectItemCaseSensitive(step, "scenario");
    const char *argv[64];
    char errlog[512];

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(step, "clear_faults")))
        flow_clear_faults(fl);
    if (cJSON_IsObject(scenario))
        flow_load_scenario(fl, scenario);
    if (args == NULL)
        return;
    build_argv(fl, args, argv, 64);
    snprintf(errlog, sizeof(errlog), "%s/%s.stderr", flow_log_dir(), name);
    int n = cJSON_IsNumber(conc) ? conc->valueint : 1;
    int got[8];
    if (n < 1 || n > 8)
        fail_msg("%s: step %zu: concurrent must be 1..8", name, i);
    for (int k = 0; k < n; k++) {
        assert_int_equal(h_run_start(&runs[k], argv, flow_env(fl), errlog), 0);
        nruns = k + 1;
    }
    for (int k = 0; k < n; k++)
        got[k] = h_run_wait(&runs[k]);
    if (n == 1 && cJSON_IsNumber(exit_code) && got[0] != exit_code->valueint)
        fail_msg("%s: step %zu: exit %d, expected %d (stdout: %s; stderr in %s)", name, i, got[0],
                 exit_code->valueint, runs[0].out, errlog);
    if (n == 1 && cJSON_IsObject(output))
        check_output(name, i, output, runs[0].out);
    if (cJSON_IsArray(exits)) {
        int want[8], m = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, exits) if (m < 8) want[m++] = e->valueint;
        if (m != n)
            fail_msg("%s: step %zu: exits lists %d codes for %d runs", name, i, m, n);
        qsort(want, (size_t)m, sizeof(int), cmp_int);
        qsort(got, (size_t)n, sizeof(int), cmp_int);
        for (int k = 0; k < n; k++)
            if (want[k] != got[k])
                fail_msg("%s: step %zu: exit codes differ from the expected set", name, i);
    }
    for (int k = 0; k < n; k++)
        h_run_free(&runs[k]);
    nruns = 0;
}

static int case_teardown(void **state)
{
    (void)state; /* everything is in the statics above */
    cJSON_Delete(doc);
    cJSON_Delete(expect);
    doc = expect = NULL;
    for (int k = 0; k < nruns; k++)
        h_run_free(&runs[k]);
    nruns = 0;
    if (cur_running) {
        cur_running = false;
        flow_stop(&cur);
    }
    return 0;
}

static void run_case(void **state)
{
    const char *name = *state;
    char path[512];

    snprintf(path, sizeof(path), DIR_SCENARIOS "/%s.json", name);
    char *doc_text = read_file(path);
    snprintf(path, sizeof(path), DIR_SCENARIOS "/%s.expect.json", name);
    char *exp_text = read_file(path);
    doc = doc_text != NULL ? cJSON_Parse(doc_text) : NULL;
    expect = exp_text != NULL ? cJSON_Parse(exp_text) : NULL;
    free(doc_text);
    free(exp_text);
    if (doc == NULL || expect == NULL)
        fail_msg("%s: scenario or expectation file missing or not JSON", name);

    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(expect, "seed");
    assert_int_equal(flow_start(&cur, cJSON_IsNumber(seed) ? seed->valueint : 1), 0);
    cur_running = true;
    flow_load_scenario(&cur, doc);
    flow_login(&cur, cJSON_GetObjectItemCaseSensitive(expect, "user"));
    flow_set_env(&cur, cJSON_GetObjectItemCaseSensitive(expect, "env"));

    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(expect, "steps"), *st;
    size_t i = 0;
    cJSON_ArrayForEach(st, steps) run_step(&cur, name, i++, st);

    const cJSON *journal = cJSON_GetObjectItemCaseSensitive(expect, "journal"), *j;
    cJSON_ArrayForEach(j, journal)
    {
        const char *svc = cJSON_GetStringValue(cJSON_GetObjectItem(j, "service"));
        const char *method = cJSON_GetStringValue(cJSON_GetObjectItem(j, "method"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(j, "path"));
        const cJSON *count = cJSON_GetObjectItem(j, "count");
        const cJSON *at_least = cJSON_GetObjectItem(j, "at_least");
        long got = flow_journal_count(&cur, svc, method, p);
        if (cJSON_IsNumber(count) && got != count->valueint)
            fail_msg("%s: journal %s %s %s: %ld requests, expected %d", name, svc, method, p, got,
                     count->valueint);
        if (cJSON_IsNumber(at_least) && got < at_least->valueint)
            fail_msg("%s: journal %s %s %s: %ld requests, expected at least %d", name, svc, method,
                     p, got, at_least->valueint);
    }
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(expect, "final");
    if (final != NULL) {
        struct flow_totals t;
        flow_totals(&cur, &t);
        static const char *const keys[] = {"twilio_numbers", "phone_numbers", "trunks",
                                           "dispatch_rules"};
        long vals[] = {t.twilio_numbers, t.phone_numbers, t.trunks, t.dispatch_rules};
        for (size_t k = 0; k < 4; k++) {
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(final, keys[k]);
            if (cJSON_IsNumber(w) && w->valueint != vals[k])
                fail_msg("%s: final %s is %ld, expected %d", name, keys[k], vals[k], w->valueint);
        }
    }
    cur_running = false;
    assert_int_equal(flow_stop(&cur), 0); /* each fake exited cleanly: no leak, no crash */
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    static struct CMUnitTest tests[MAX_CASES];
    static char *names[MAX_CASES];
    size_t n = 0;
    DIR *d = opendir(DIR_SCENARIOS);
    struct dirent *e;

    if (d == NULL) {
        fprintf(stderr, "no %s folder (run from the repository root)\n", DIR_SCENARIOS);
        return 1;
    }
    while ((e = readdir(d)) != NULL && n < MAX_CASES) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 ||
            (len > 12 && strcmp(e->d_name + len - 12, ".expect.json") == 0))
            continue;
        if (argc > 1 && strstr(e->d_name, argv[1]) == NULL)
            continue;
        names[n] = strndup(e->d_name, len - 5);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), by_name);
    for (size_t i = 0; i < n; i++) {
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].teardown_func = case_teardown;
        tests[i].initial_state = names[i];
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = _cmocka_run_group_tests("scenarios", tests, n, NULL, NULL);
    curl_global_cleanup();
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}
