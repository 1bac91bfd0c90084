/* filter_jpath.c: JSON paths (filter_jpath.h). */
#include "fake_supabase/filter_jpath.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/pgtype.h"
#include "fakekit/err.h"

#define JPATH_TEXT_MAX (64u * 1024 * 1024) /* a node's text, as large as a body can make it */

void sb_jpath_free(struct sb_jpath *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->steps[i].key);
    free(p->steps);
    free(p);
}

static int add_step(struct sb_jpath *p, const char *key, size_t len, bool is_idx, bool text)
{
    struct sb_jstep *grown = realloc(p->steps, (p->n + 1) * sizeof(*grown));

    if (grown == NULL)
        return FK_ENOMEM;
    p->steps = grown;
    if ((grown[p->n].key = strndup(key, len)) == NULL)
        return FK_ENOMEM;
    grown[p->n].is_idx = is_idx;
    grown[p->n].text = text;
    p->n++;
    return 0;
}

/* One operand at s (after an arrow): its length into *len, 0 when there is none. */
static size_t operand(const char *s, bool *is_idx, const char **key, size_t *klen)
{
    size_t n = s[0] == '-' ? 1 : 0, d = 0;

    while (isdigit((unsigned char)s[n + d]))
        d++;
    if (d > 0 && (s[n + d] == '\0' || strncmp(s + n + d, "->", 2) == 0 ||
                  strncmp(s + n + d, "::", 2) == 0 || s[n + d] == '.' || s[n + d] == ',')) {
        *is_idx = true;
        *key = s;
        *klen = n + d;
        return n + d;
    }
    *is_idx = false;
    if (s[0] == '"') { /* pQuotedValue: up to the next quote */
        const char *end = strchr(s + 1, '"');
        if (end == NULL)
            return 0;
        *key = s + 1;
        *klen = (size_t)(end - s - 1);
        return (size_t)(end - s + 1);
    }
    n = strcspn(s, "(-:.,>)");
    *key = s;
    *klen = n;
    while (*klen > 0 && isspace((unsigned char)**key)) { /* T.strip */
        (*key)++;
        (*klen)--;
    }
    while (*klen > 0 && isspace((unsigned char)(*key)[*klen - 1]))
        (*klen)--;
    return *klen > 0 ? n : 0;
}

int sb_jpath_split(const char *text, size_t *name_len, struct sb_jpath **out)
{
    const char *arrow = strstr(text, "->"), *s;
    struct sb_jpath *p;

    *out = NULL;
    *name_len = strlen(text);
    if (arrow == NULL)
        return 0;
    *name_len = (size_t)(arrow - text);
    if ((p = calloc(1, sizeof(*p))) == NULL)
        return FK_ENOMEM;
    for (s = arrow; strncmp(s, "->", 2) == 0;) {
        bool text_arrow = s[2] == '>', is_idx;
        const char *key;
        size_t klen, n;
        s += text_arrow ? 3 : 2;
        n = operand(s, &is_idx, &key, &klen);
        if (n == 0) {
            sb_jpath_free(p);
            return FK_EINVAL;
        }
        if (add_step(p, key, klen, is_idx, text_arrow) != 0) {
            sb_jpath_free(p);
            return FK_ENOMEM;
        }
        s += n;
    }
    if (*s != '\0') {
        sb_jpath_free(p);
        return FK_EINVAL;
    }
    *out = p;
    return 0;
}

struct sb_jpath *sb_jpath_dup(const struct sb_jpath *p)
{
    struct sb_jpath *d = p != NULL ? calloc(1, sizeof(*d)) : NULL;

    for (size_t i = 0; d != NULL && i < p->n; i++)
        if (add_step(d, p->steps[i].key, strlen(p->steps[i].key), p->steps[i].is_idx,
                     p->steps[i].text) != 0) {
            sb_jpath_free(d);
            d = NULL;
        }
    return d;
}

bool sb_jpath_is_text(const struct sb_jpath *p)
{
    return p != NULL && p->n > 0 && p->steps[p->n - 1].text;
}

const char *sb_jpath_alias(const struct sb_jpath *p, const char *col)
{
    for (size_t i = p != NULL ? p->n : 0; i > 0; i--)
        if (!p->steps[i - 1].is_idx)
            return p->steps[i - 1].key;
    return col;
}

const cJSON *sb_jpath_eval(const struct sb_jpath *p, const cJSON *root)
{
    const cJSON *v = root;

    for (size_t i = 0; v != NULL && i < p->n; i++) {
        const struct sb_jstep *s = &p->steps[i];
        if (s->is_idx) { /* jsonb -> int: arrays only; negative counts from the end */
            long k = strtol(s->key, NULL, 10);
            int size = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
            if (k < 0)
                k += size;
            v = cJSON_IsArray(v) && k >= 0 && k < size ? cJSON_GetArrayItem(v, (int)k) : NULL;
        } else {
            v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, s->key) : NULL;
        }
    }
    return v;
}

int sb_jsonb_text(struct fk_buf *out, const cJSON *v)
{
    const cJSON *it;
    int rc = 0;
    bool first = true;

    if (cJSON_IsString(v))
        return pg_json_string(out, v->valuestring, strlen(v->valuestring));
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        bool obj = cJSON_IsObject(v);
        rc = fk_buf_add(out, obj ? "{" : "[", 1);
        cJSON_ArrayForEach(it, v)
        {
            if (rc == 0 && !first)
                rc = fk_buf_add(out, ", ", 2);
            first = false;
            if (rc == 0 && obj) {
                rc = pg_json_string(out, it->string, strlen(it->string));
                if (rc == 0)
                    rc = fk_buf_add(out, ": ", 2);
            }
            if (rc == 0)
                rc = sb_jsonb_text(out, it);
        }
        return rc == 0 ? fk_buf_add(out, obj ? "}" : "]", 1) : rc;
    }
    {
        char *s = cJSON_PrintUnformatted(v);
        rc = s != NULL ? fk_buf_addstr(out, s) : FK_ENOMEM;
        cJSON_free(s);
    }
    return rc;
}

int sb_jpath_render(struct fk_buf *out, const struct sb_jpath *p, const char *col, size_t len)
{
    cJSON *root = col != NULL ? cJSON_ParseWithLength(col, len) : NULL;
    const cJSON *v = root != NULL ? sb_jpath_eval(p, root) : NULL;
    int rc;

    if (v == NULL || cJSON_IsNull(v))
        rc = fk_buf_add(out, "null", 4);
    else if (!sb_jpath_is_text(p))
        rc = sb_jsonb_text(out, v);
    else if (cJSON_IsString(v))
        rc = pg_json_string(out, v->valuestring, strlen(v->valuestring));
    else { /* ->> of a non-string: its jsonb text, as a JSON string */
        struct fk_buf t;
        fk_buf_init(&t, JPATH_TEXT_MAX);
        rc = sb_jsonb_text(&t, v);
        if (rc == 0)
            rc = pg_json_string(out, fk_buf_str(&t), t.len);
        fk_buf_cleanup(&t);
    }
    cJSON_Delete(root);
    return rc;
}

void sb_jpath_flags(const struct sb_jpath *p, char *buf)
{
    for (size_t i = 0; i < p->n; i++)
        buf[i] =
            p->steps[i].is_idx ? (p->steps[i].text ? 'I' : 'i') : (p->steps[i].text ? 'K' : 'k');
    buf[p->n] = '\0';
}

/* The jsonb storage form (pgtype.h) of the jsonb text in t as the result. */
static void result_storage(sqlite3_context *ctx, struct fk_buf *t)
{
    struct pg_type jt;
    struct pg_value pv = {0};
    struct pg_error e;

    pg_type_parse("jsonb", false, &jt);
    if (pg_input_filter(&jt, fk_buf_str(t), &pv, &e) == 0 && pv.t == PG_V_TEXT)
        sqlite3_result_text(ctx, pv.s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    pg_value_free(&pv);
}

static void fn_jpath(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *doc = (const char *)sqlite3_value_text(argv[0]);
    const char *flags = (const char *)sqlite3_value_text(argv[1]);
    struct sb_jpath p = {0};
    struct sb_jstep steps[64];
    cJSON *root;
    const cJSON *v;
    struct fk_buf t;

    if (doc == NULL || flags == NULL || strlen(flags) != (size_t)(argc - 2) || argc - 2 > 64) {
        sqlite3_result_null(ctx);
        return;
    }
    for (int i = 2; i < argc; i++) {
        const char *k = (const char *)sqlite3_value_text(argv[i]);
        steps[i - 2] = (struct sb_jstep){(char *)(k != NULL ? k : ""),
                                         flags[i - 2] == 'i' || flags[i - 2] == 'I',
                                         flags[i - 2] == 'K' || flags[i - 2] == 'I'};
    }
    p.steps = steps;
    p.n = (size_t)(argc - 2);
    root = cJSON_Parse(doc);
    v = root != NULL ? sb_jpath_eval(&p, root) : NULL;
    fk_buf_init(&t, JPATH_TEXT_MAX);
    if (v == NULL || (cJSON_IsNull(v) && sb_jpath_is_text(&p)))
        sqlite3_result_null(ctx);
    else if (sb_jpath_is_text(&p) && cJSON_IsString(v))
        sqlite3_result_text(ctx, v->valuestring, -1, SQLITE_TRANSIENT);
    else if (sb_jsonb_text(&t, v) != 0)
        sqlite3_result_error_nomem(ctx);
    else if (sb_jpath_is_text(&p))
        sqlite3_result_text(ctx, fk_buf_str(&t), (int)t.len, SQLITE_TRANSIENT);
    else
        result_storage(ctx, &t);
    fk_buf_cleanup(&t);
    cJSON_Delete(root);
}

/* pgrst_jnorm(text): a filter's jsonb literal as pgrst_jpath writes a "->" node. */
static void fn_jnorm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    cJSON *v = text != NULL ? cJSON_Parse(text) : NULL;
    struct fk_buf t;

    (void)argc;
    fk_buf_init(&t, JPATH_TEXT_MAX);
    if (v == NULL)
        sqlite3_result_null(ctx);
    else if (sb_jsonb_text(&t, v) != 0)
        sqlite3_result_error_nomem(ctx);
    else
        result_storage(ctx, &t);
    fk_buf_cleanup(&t);
    cJSON_Delete(v);
}

static int register_all(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    int rc = sqlite3_create_function(db, "pgrst_jpath", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     NULL, fn_jpath, NULL, NULL);

    (void)errmsg;
    (void)api;
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pgrst_jnorm", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     fn_jnorm, NULL, NULL);
    return rc;
}

int sb_jpath_register(sqlite3 *db)
{
    return register_all(db, NULL, NULL);
}

void sb_jpath_auto(void)
{
    (void)sqlite3_auto_extension((void (*)(void))register_all);
}
