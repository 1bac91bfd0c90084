/* cmd_ops.c: the commands that talk to running fakes: scenario, reset, env, journal,
 * diagram; and the helpers every command shares (state paths, pid file, files). */
#include "fakes/commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fakekit/buf.h"

#include "fakes/admin_client.h"
#include "fakes/journal_merge.h"
#include "fakes/qa_case.h"
#include "fakes/sequence.h"
#include "fakes/svg.h"
#include "fakes/timeline.h"

#define FILE_MAX ((size_t)16 * 1024 * 1024) /* scenario and trace files; far above any real one */

void fx_resolve_state(struct fx_opts *o)
{
    char resolved[PATH_MAX];

    if (realpath(o->state_dir, resolved) != NULL)
        snprintf(o->state_dir, sizeof(o->state_dir), "%s", resolved);
}

const char *fx_state_path(const struct fx_opts *o, const char *name, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/%s", o->state_dir, name);

    if (n < 0 || (size_t)n >= len)
        buf[0] = '\0'; /* over PATH_MAX: an empty path fails loudly at open() */
    return buf;
}

void fx_tls_detect(const struct fx_opts *o)
{
    static char ca[PATH_MAX + 16];

    snprintf(ca, sizeof(ca), "%s/tls/ca.pem", o->state_dir);
    if (access(ca, R_OK) == 0)
        fx_http_set_ca(ca);
}

const char *fx_base_url(const struct fx_running *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s://127.0.0.1:%u", fx_http_ca() != NULL ? "https" : "http", r->port);
    return buf;
}

char *fx_read_file(const char *path, struct fk_error *err)
{
    return fk_read_file(path, FILE_MAX, NULL, err);
}

int fx_load_running(const struct fx_opts *o, struct fx_running *r, int *n)
{
    struct fk_error err = {{0}};
    char path[PATH_MAX];
    int rc = fx_pids_read(fx_state_path(o, "pids", path, sizeof(path)), r, FX_NFAKES, n, &err);

    if (rc == FK_ENOTFOUND) {
        fprintf(stderr, "fakes: no fakes running from %s (run `fakes up` first)\n", o->state_dir);
        return 1;
    }
    if (rc != 0) {
        fprintf(stderr, "fakes: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static long count_of(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

bool fx_scenario_targets(const cJSON *doc, const char *service, const char *name)
{
    bool multi = cJSON_HasObjectItem(doc, "twilio") || cJSON_HasObjectItem(doc, "livekit") ||
                 cJSON_HasObjectItem(doc, "supabase");

    if (service != NULL && strcmp(service, name) != 0)
        return false;
    return multi ? cJSON_HasObjectItem(doc, name) : service != NULL;
}

/* POST text to one fake's /__admin/scenario[?dry_run=true]; 0, or 1 with err set. */
static int post_one(const struct fx_running *r, const char *text, bool dry, cJSON **summary,
                    struct fk_error *err)
{
    char url[160], base[64];
    struct fx_http h;
    int rc;

    snprintf(url, sizeof(url), "%s/__admin/scenario%s", fx_base_url(r, base, sizeof(base)),
             dry ? "?dry_run=true" : "");
    rc = fx_http_do("POST", url, text, 0, &h);
    if (rc != 0 || h.status != 200) {
        fk_error_set(err, "%s rejected the scenario: %s", r->name,
                     rc != 0 ? h.error : fx_admin_error_text(&h));
        rc = 1;
    } else if (summary != NULL) {
        *summary = cJSON_Parse(h.body);
    }
    fx_http_cleanup(&h);
    return rc;
}

int fx_post_scenario(const struct fx_running *r, int n, const char *text, const cJSON *doc,
                     const char *service, FILE *msgs, struct fk_error *err)
{
    int targets = 0;

    for (int i = 0; i < n; i++) {
        if (!fx_scenario_targets(doc, service, r[i].name))
            continue;
        targets++;
        if (post_one(&r[i], text, true, NULL, err) != 0)
            return 1; /* nothing was applied anywhere */
    }
    if (targets == 0) {
        fk_error_set(err,
                     service != NULL ? "no running fake is called '%s' or the document has "
                                       "no section for it"
                                     : "the document has no twilio, livekit or supabase "
                                       "section%s",
                     service != NULL ? service : "");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        cJSON *j = NULL;
        if (!fx_scenario_targets(doc, service, r[i].name))
            continue;
        if (post_one(&r[i], text, false, &j, err) != 0)
            return 1; /* checked a moment ago: only a fake that died gets here */
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "scenario");
        long f = count_of(j, "faults"), l = count_of(j, "rate_limits");
        if (msgs != NULL)
            fprintf(msgs, "fakes: %-8s took scenario '%s': %ld fault%s, %ld rate limit%s\n",
                    r[i].name, cJSON_IsString(name) ? name->valuestring : "", f, f == 1 ? "" : "s",
                    l, l == 1 ? "" : "s");
        cJSON_Delete(j);
    }
    for (int i = 0; i < n && msgs != NULL; i++) {
        if (!fx_scenario_targets(doc, service, r[i].name))
            fprintf(msgs, "fakes: %-8s untouched (no section for it)\n", r[i].name);
    }
    return 0;
}

int fx_scenario_usable(const char *cmd, const char *path, const char *service)
{
    struct fk_buf why;
    cJSON *doc;
    int rc = 0;

    fk_buf_init(&why, 1 << 20);
    doc = fx_load_checked(path, FX_SCHEMA_SCENARIO, &why);
    if (doc == NULL) {
        fprintf(stderr, "%s: %s is not a valid scenario document:\n%s", cmd, path,
                fk_buf_str(&why));
        rc = 2;
    } else if (service == NULL && !cJSON_HasObjectItem(doc, "twilio") &&
               !cJSON_HasObjectItem(doc, "livekit") && !cJSON_HasObjectItem(doc, "supabase")) {
        fprintf(stderr,
                "%s: %s has no twilio/livekit/supabase section; for a one-fake document say "
                "which fake with `fakes scenario FILE --service NAME`\n",
                cmd, path);
        rc = 2;
    }
    cJSON_Delete(doc);
    fk_buf_cleanup(&why);
    return rc;
}

int fx_cmd_scenario(struct fx_opts *o)
{
    struct fx_running r[FX_NFAKES];
    struct fk_error err = {{0}};
    int n = 0, rc;
    char *text;
    cJSON *doc;

    fx_resolve_state(o);
    if ((rc = fx_scenario_usable("fakes scenario", o->scenario, o->service)) != 0)
        return rc;
    text = fx_read_file(o->scenario, &err);
    doc = text != NULL ? cJSON_Parse(text) : NULL;
    if (doc == NULL) {
        fprintf(stderr, "fakes scenario: %s\n", err.msg[0] ? err.msg : "unreadable");
        rc = 2;
    } else if ((rc = fx_load_running(o, r, &n)) == 0 &&
               (rc = fx_post_scenario(r, n, text, doc, o->service, stderr, &err)) != 0) {
        fprintf(stderr, "fakes scenario: %s\n", err.msg);
    }
    cJSON_Delete(doc);
    free(text);
    return rc;
}

int fx_cmd_reset(struct fx_opts *o)
{
    struct fx_running r[FX_NFAKES];
    char url[128], base[64];
    int n = 0, failed = 0;

    fx_resolve_state(o);
    if (fx_load_running(o, r, &n) != 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct fx_http h;
        snprintf(url, sizeof(url), "%s/__admin/reset", fx_base_url(&r[i], base, sizeof(base)));
        int rc = fx_http_do("POST", url, NULL, 0, &h);
        if (rc != 0 || h.status != 200) {
            fprintf(stderr, "fakes reset: %s: %s\n", r[i].name,
                    rc != 0 ? h.error : fx_admin_error_text(&h));
            failed = 1;
        } else {
            fprintf(stderr, "fakes: %-8s reset\n", r[i].name);
        }
        fx_http_cleanup(&h);
    }
    return failed;
}

char *fx_env_file_read(const struct fx_opts *o, struct fk_error *err)
{
    char path[PATH_MAX], envp[PATH_MAX];
    char *where, *text;

    /* `up --env-file` may have put it elsewhere; STATE/env-file says where. */
    where = fx_read_file(fx_state_path(o, "env-file", path, sizeof(path)), err);
    if (where != NULL)
        where[strcspn(where, "\n")] = '\0';
    text = fx_read_file(
        where != NULL && *where ? where : fx_state_path(o, "env", envp, sizeof(envp)), err);
    free(where);
    return text;
}

int fx_cmd_env(struct fx_opts *o)
{
    struct fk_error err = {{0}};
    char *text;

    fx_resolve_state(o);
    if ((text = fx_env_file_read(o, &err)) == NULL) {
        fprintf(stderr, "fakes env: %s (run `fakes up` first)\n", err.msg);
        return 1;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

/* Fetch and merge every running fake's journal. Returns 0 or 1 (message printed). */
static int merged_journals(struct fx_opts *o, struct fx_merged *m)
{
    struct fx_running r[FX_NFAKES];
    char base[64];
    int n = 0;

    fx_merged_init(m);
    fx_resolve_state(o);
    if (fx_load_running(o, r, &n) != 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct fk_error err = {{0}};
        cJSON *j = NULL;
        if (fx_admin_get_json(fx_base_url(&r[i], base, sizeof(base)), "/__admin/requests", &j,
                              &err) != 0 ||
            fx_merged_add(m, r[i].name, j, &err) != 0) {
            fprintf(stderr, "fakes: %s journal: %s\n", r[i].name, err.msg);
            fx_merged_cleanup(m);
            return 1;
        }
    }
    fx_merged_sort(m);
    return 0;
}

int fx_cmd_journal(struct fx_opts *o)
{
    struct fx_merged m;

    if (merged_journals(o, &m) != 0)
        return 1;
    if (o->json) {
        cJSON *arr = fx_merged_json(&m);
        char *s = arr != NULL ? cJSON_Print(arr) : NULL;
        if (s != NULL)
            printf("%s\n", s);
        cJSON_free(s);
        cJSON_Delete(arr);
        if (s == NULL) {
            fx_merged_cleanup(&m);
            fprintf(stderr, "fakes journal: out of memory\n");
            return 1;
        }
    } else {
        fx_merged_print(&m, stdout);
    }
    fx_merged_cleanup(&m);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int write_output(const char *path, const struct fx_timeline *t, bool html, const char *title)
{
    FILE *f = fopen(path, "we");

    if (f == NULL) {
        fprintf(stderr, "fakes diagram: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (html)
        fx_html_write(t, title != NULL ? title : "fakes: sequence of a run", f);
    else
        fx_mermaid_write(t, title, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "fakes diagram: %s: write failed\n", path);
        return 1;
    }
    printf("%s\n", path);
    return 0;
}

int fx_cmd_diagram(struct fx_opts *o)
{
    struct fx_merged m;
    struct fx_timeline t;
    struct fk_error err = {{0}};
    char prefix[PATH_MAX], path[PATH_MAX + 8];
    char *trace = NULL;
    int rc;

    if (o->trace != NULL && (trace = fx_read_file(o->trace, &err)) == NULL) {
        fprintf(stderr, "fakes diagram: --trace %s\n", err.msg);
        return 2;
    }
    if (merged_journals(o, &m) != 0) {
        free(trace);
        return 1;
    }
    if (o->out != NULL)
        snprintf(prefix, sizeof(prefix), "%s", o->out);
    else
        fx_state_path(o, "sequence", prefix, sizeof(prefix));
    rc = fx_timeline_build(&t, &m, trace) != 0 ? 1 : 0;
    if (rc != 0)
        fprintf(stderr, "fakes diagram: out of memory\n");
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s.mmd", prefix);
        rc = write_output(path, &t, false, o->title);
    }
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s.html", prefix);
        rc = write_output(path, &t, true, o->title);
    }
    if (rc == 0)
        fprintf(stderr, "fakes: diagram of %zu requests%s written (open the .html in a browser)\n",
                m.n, trace != NULL ? " and the trace" : "");
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
    free(trace);
    return rc;
}
