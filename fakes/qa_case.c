/* qa_case.c: find the cases under the paths given to `fakes test`, and check their files. */
#include "fakes/qa_case.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakekit/buf.h"
#include "fakes/commands.h"

#define EXPECT_SUFFIX ".expect.json"
#define JSON_SUFFIX   ".json"
#define MAX_DEPTH     16 /* folders below a PATH; deeper ones are a mistake (a link loop) */

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Add the case whose expectation is DIR/NAME.expect.json (stem is "DIR/NAME"). */
static int add_case(struct fx_cases *cs, const char *stem, const char *filter)
{
    const char *slash = strrchr(stem, '/');
    const char *name = slash != NULL ? slash + 1 : stem;
    struct fx_case *c;

    cs->found++;
    if (filter != NULL && fnmatch(filter, name, 0) != 0)
        return 0;
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 32;
        struct fx_case *v = realloc(cs->v, cap * sizeof(*v));
        if (v == NULL)
            return FK_ENOMEM;
        cs->v = v;
        cs->cap = cap;
    }
    c = &cs->v[cs->n];
    memset(c, 0, sizeof(*c));
    c->name = strdup(name);
    if (c->name == NULL || asprintf(&c->scenario_path, "%s" JSON_SUFFIX, stem) < 0 ||
        asprintf(&c->expect_path, "%s" EXPECT_SUFFIX, stem) < 0) {
        free(c->name);
        return FK_ENOMEM;
    }
    cs->n++;
    return 0;
}

static int scan_dir(const char *dir, const char *filter, struct fx_cases *cs, FILE *warn, int depth)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort), rc = 0;
    char path[PATH_MAX], stem[PATH_MAX];

    if (n < 0)
        return 0; /* unreadable folder below a PATH: nothing there for us */
    for (int i = 0; i < n; i++) {
        const char *e = list[i]->d_name;
        struct stat st;
        if (rc != 0 || e[0] == '.' || strcmp(e, "node_modules") == 0 ||
            snprintf(path, sizeof(path), "%s/%s", dir, e) >= (int)sizeof(path) ||
            stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            rc = scan_dir(path, filter, cs, warn, depth + 1);
        } else if (S_ISREG(st.st_mode) && ends_with(e, EXPECT_SUFFIX)) {
            snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(path) - strlen(EXPECT_SUFFIX)), path);
            rc = add_case(cs, stem, filter);
        } else if (S_ISREG(st.st_mode) && ends_with(e, JSON_SUFFIX) &&
                   !ends_with(e, ".schema.json")) {
            snprintf(stem, sizeof(stem), "%.*s" EXPECT_SUFFIX,
                     (int)(strlen(path) - strlen(JSON_SUFFIX)), path);
            if (!is_file(stem))
                fprintf(warn, "fakes test: %s: no %s beside it, so it is not a case\n", path,
                        strrchr(stem, '/') + 1);
        }
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const struct fx_case *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : strcmp(x->expect_path, y->expect_path);
}

int fx_cases_find(const char *const *paths, int n, const char *filter, struct fx_cases *out,
                  FILE *warn, struct fk_error *err)
{
    char stem[PATH_MAX];
    struct stat st;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (int i = 0; i < n && rc == 0; i++) {
        const char *p = paths[i];
        if (stat(p, &st) != 0) {
            fk_error_set(err, "%s: %s", p, strerror(errno));
            return FK_ENOTFOUND;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = scan_dir(p, filter, out, warn, 0);
            continue;
        }
        size_t cut = ends_with(p, EXPECT_SUFFIX) ? strlen(EXPECT_SUFFIX)
                     : ends_with(p, JSON_SUFFIX) ? strlen(JSON_SUFFIX)
                                                 : 0;
        if (cut == 0 || strlen(p) - cut >= sizeof(stem)) {
            fk_error_set(err, "%s: not a case (NAME.json or NAME.expect.json) nor a folder", p);
            return FK_EINVAL;
        }
        snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(p) - cut), p);
        rc = add_case(out, stem, filter);
    }
    if (rc == 0 && out->n > 1)
        qsort(out->v, out->n, sizeof(out->v[0]), by_name);
    return rc;
}

/* Read, parse and check one file; problems are appended to why as "FILE: ..." lines. */
static cJSON *load_file(const char *path, const char *schema, const struct fx_schemas *s,
                        struct fk_buf *why)
{
    struct fk_error err = {{0}};
    char *text = fx_read_file(path, &err);
    cJSON *doc = text != NULL ? fx_json_parse_located(text, &err) : NULL;
    struct fk_buf problems;

    free(text);
    if (doc == NULL) {
        /* fx_read_file's message starts with the path; the parser's with LINE:COLUMN. */
        bool located = err.msg[0] >= '0' && err.msg[0] <= '9';
        (void)!fk_buf_printf(why, "%s%s%s\n", located ? path : "", located ? ":" : "", err.msg);
        return NULL;
    }
    fk_buf_init(&problems, 1 << 20);
    int n = fx_schema_check(s, schema, doc, &problems);
    if (n != 0) {
        const char *line = fk_buf_str(&problems);
        if (n < 0)
            (void)!fk_buf_printf(why, "%s: cannot be checked (%s)\n", path, fk_strerror(n));
        while (n > 0 && *line != '\0') {
            const char *nl = strchr(line, '\n');
            int len = nl != NULL ? (int)(nl - line) : (int)strlen(line);
            (void)!fk_buf_printf(why, "%s: %.*s\n", path, len, line);
            line += len + (nl != NULL);
        }
        cJSON_Delete(doc);
        doc = NULL;
    }
    fk_buf_cleanup(&problems);
    return doc;
}

cJSON *fx_load_checked(const char *path, const char *schema, struct fk_buf *why)
{
    struct fk_error err = {{0}};
    struct fx_schemas *s = fx_schemas_load(&err);
    cJSON *doc;

    if (s == NULL) {
        (void)!fk_buf_printf(why, "%s\n", err.msg);
        return NULL;
    }
    doc = load_file(path, schema, s, why);
    fx_schemas_free(s);
    return doc;
}

/* A case drives all three fakes, so its scenario says which fake each rule is for. */
static bool sectioned(const cJSON *doc)
{
    return !cJSON_HasObjectItem(doc, "faults") && !cJSON_HasObjectItem(doc, "rate_limits") &&
           !cJSON_HasObjectItem(doc, "state");
}

static void check_sections(struct fx_case *c, struct fk_buf *why)
{
    const cJSON *st;
    int i = 0;

    if (c->doc != NULL && !sectioned(c->doc))
        (void)!fk_buf_printf(why,
                             "%s: faults, rate_limits and state belong in a twilio, livekit or "
                             "supabase section (a case drives all three fakes)\n",
                             c->scenario_path);
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(c->expect, "steps"))
    {
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(st, "scenario");
        if (sc != NULL && !sectioned(sc))
            (void)!fk_buf_printf(why,
                                 "%s: steps[%d].scenario: faults, rate_limits and state belong "
                                 "in a twilio, livekit or supabase section\n",
                                 c->expect_path, i);
        i++;
    }
}

int fx_cases_load(struct fx_cases *cs, const struct fx_schemas *s)
{
    int invalid = 0;

    for (size_t i = 0; i < cs->n; i++) {
        struct fx_case *c = &cs->v[i];
        struct fk_buf why;
        fk_buf_init(&why, 1 << 20);
        c->doc = load_file(c->scenario_path, FX_SCHEMA_SCENARIO, s, &why);
        c->expect = load_file(c->expect_path, FX_SCHEMA_EXPECT, s, &why);
        check_sections(c, &why);
        if (c->doc == NULL || c->expect == NULL || why.len > 0) {
            if (why.len == 0 && fk_buf_addstr(&why, "out of memory") != 0) {
                fk_buf_cleanup(&why);
                return FK_ENOMEM;
            }
            c->invalid = fk_buf_take(&why, NULL);
            if (c->invalid == NULL)
                return FK_ENOMEM;
            invalid++;
        }
        fk_buf_cleanup(&why);
    }
    return invalid;
}

void fx_cases_free(struct fx_cases *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        struct fx_case *c = &cs->v[i];
        free(c->name);
        free(c->scenario_path);
        free(c->expect_path);
        free(c->invalid);
        cJSON_Delete(c->doc);
        cJSON_Delete(c->expect);
    }
    free(cs->v);
    memset(cs, 0, sizeof(*cs));
}
