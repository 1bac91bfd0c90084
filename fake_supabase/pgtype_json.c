/* pgtype_json.c: json and jsonb values, and one-dimensional arrays (see pgtype.h).
 *
 * json keeps its text (validated); jsonb is normalised as PostgreSQL stores it: object keys
 * sorted by length then bytes, the last of duplicate keys kept. Both parse with cJSON, so
 * numbers inside jsonb are doubles (a documented limit: 1.50 becomes 1.5). Arrays are read
 * from PostgreSQL's literal ({a,"b c",NULL}, array_in) or from a JSON array, element by
 * element with the element type's input, and stored as a JSON array of storage forms. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/pgtype_int.h"

static int json_syntax(const struct pg_type *t, struct pg_error *e)
{
    return pg_fail(e, "22P02", "invalid input syntax for type %s",
                   t->kind == PG_JSONB ? "json" : "json");
}

static int key_cmp(const cJSON *a, const cJSON *b)
{
    size_t la = strlen(a->string), lb = strlen(b->string);

    if (la != lb)
        return la < lb ? -1 : 1;
    return memcmp(a->string, b->string, la);
}

/* jsonb's order: sort every object's members (stable insertion sort on the linked list),
 * keeping only the last of equal keys. */
static void normalise(cJSON *v)
{
    cJSON *it, *sorted = NULL, *next;

    if (cJSON_IsArray(v)) {
        for (it = v->child; it != NULL; it = it->next)
            normalise(it);
        return;
    }
    if (!cJSON_IsObject(v))
        return;
    for (it = v->child; it != NULL; it = next) {
        cJSON **pp = &sorted, *dup = NULL;
        next = it->next;
        normalise(it);
        it->prev = it->next = NULL;
        while (*pp != NULL && key_cmp(*pp, it) < 0)
            pp = &(*pp)->next;
        if (*pp != NULL && key_cmp(*pp, it) == 0) { /* the later one wins */
            dup = *pp;
            it->next = dup->next;
            dup->next = NULL;
            cJSON_Delete(dup);
        } else {
            it->next = *pp;
        }
        *pp = it;
    }
    v->child = sorted;
    for (it = sorted, next = NULL; it != NULL; it = it->next) { /* cJSON's prev links */
        it->prev = next;
        next = it;
    }
    if (sorted != NULL)
        sorted->prev = next; /* the head's prev is the tail */
}

static int store_json(const struct pg_type *t, cJSON *tree, const char *text, struct pg_value *out)
{
    char *printed;
    int rc;

    if (t->kind == PG_JSON && text != NULL)
        return pg_text_value(out, text, strlen(text));
    normalise(tree);
    printed = cJSON_PrintUnformatted(tree);
    if (printed == NULL)
        return FK_ENOMEM;
    rc = pg_text_value(out, printed, strlen(printed));
    cJSON_free(printed);
    return rc;
}

int pg_json_input(const struct pg_type *t, const char *text, struct pg_value *out,
                  struct pg_error *e)
{
    cJSON *tree = cJSON_ParseWithOpts(text, NULL, true);
    int rc;

    if (tree == NULL)
        return json_syntax(t, e);
    rc = store_json(t, tree, text, out);
    cJSON_Delete(tree);
    return rc;
}

int pg_json_value_input(const struct pg_type *t, const cJSON *v, struct pg_value *out,
                        struct pg_error *e)
{
    cJSON *copy = cJSON_Duplicate(v, true);
    int rc;

    (void)e;
    if (copy == NULL)
        return FK_ENOMEM;
    rc = store_json(t, copy, NULL, out);
    cJSON_Delete(copy);
    return rc;
}

/* ---- arrays ---- */

/* Append element value v (storage form) to the JSON array being built. */
static int add_element(struct fk_buf *b, const struct pg_value *v)
{
    char num[64];

    if (b->len > 1 && fk_buf_add(b, ",", 1) != 0)
        return FK_ENOMEM;
    switch (v->t) {
    case PG_V_NULL:
        return fk_buf_add(b, "null", 4);
    case PG_V_INT:
        snprintf(num, sizeof num, "%lld", v->i);
        return fk_buf_addstr(b, num);
    case PG_V_REAL:
        if (isinf(v->d))
            return fk_buf_addstr(b, v->d > 0 ? "1e999" : "-1e999");
        snprintf(num, sizeof num, "%.17g", v->d);
        return fk_buf_addstr(b, num);
    default:
        return pg_json_string(b, v->s, strlen(v->s));
    }
}

static int array_fail(const char *text, struct pg_error *e)
{
    return pg_fail(e, "22P02", "malformed array literal: \"%.150s\"", text);
}

/* One element of a literal at *pp into a malloc()ed string; *null when unquoted NULL. */
static int literal_element(const char **pp, char **out, bool *null)
{
    const char *p = *pp;
    size_t n = 0, cap = strlen(p) + 1;
    char *v = malloc(cap);
    bool quoted = false, any_quote = false;
    size_t last_kept = 0;

    if (v == NULL)
        return FK_ENOMEM;
    while (isspace((unsigned char)*p))
        p++;
    for (;; p++) {
        if (*p == '\0') {
            free(v);
            return FK_EINVAL;
        }
        if (!quoted && (*p == ',' || *p == '}'))
            break;
        if (*p == '"') {
            quoted = !quoted;
            any_quote = true;
            last_kept = n;
            continue;
        }
        if (!quoted && (*p == '{' || (*p == '"')))
            break;
        if (*p == '\\') {
            if (*++p == '\0') {
                free(v);
                return FK_EINVAL;
            }
            v[n++] = *p;
            last_kept = n;
            continue;
        }
        v[n++] = *p;
        if (quoted || !isspace((unsigned char)*p))
            last_kept = n;
    }
    if (*p == '{') {
        free(v);
        return FK_EINVAL; /* nested: more than one dimension */
    }
    v[last_kept] = '\0';
    *null = !any_quote && strcasecmp(v, "NULL") == 0;
    if (!any_quote && last_kept == 0) { /* an empty unquoted element */
        free(v);
        return FK_EINVAL;
    }
    *out = v;
    *pp = p;
    return 0;
}

int pg_array_input(const struct pg_type *t, const char *text, struct pg_value *out,
                   struct pg_error *e)
{
    struct pg_type et = *t;
    struct fk_buf b;
    const char *p = text;
    int rc = 0;

    et.array = false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p++ != '{')
        return array_fail(text, e);
    fk_buf_init(&b, 64 * 1024 * 1024);
    if (fk_buf_add(&b, "[", 1) != 0)
        return FK_ENOMEM;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            char *raw = NULL;
            bool null = false;
            struct pg_value v = {0};
            rc = literal_element(&p, &raw, &null);
            if (rc == FK_EINVAL)
                rc = array_fail(text, e);
            if (rc == 0 && !null)
                rc = pg_input(&et, raw, &v, e);
            if (rc == 0)
                rc = add_element(&b, &v) == 0 ? 0 : FK_ENOMEM;
            free(raw);
            pg_value_free(&v);
            if (rc != 0)
                break;
            if (*p++ == '}')
                break;
        }
    }
    while (rc == 0 && isspace((unsigned char)*p))
        p++;
    if (rc == 0 && *p != '\0')
        rc = array_fail(text, e);
    if (rc == 0 && fk_buf_add(&b, "]", 1) != 0)
        rc = FK_ENOMEM;
    if (rc == 0)
        rc = pg_text_value(out, b.data, b.len);
    fk_buf_cleanup(&b);
    return rc;
}

int pg_array_input_json(const struct pg_type *t, const cJSON *v, struct pg_value *out,
                        struct pg_error *e)
{
    struct pg_type et = *t;
    struct fk_buf b;
    const cJSON *it;
    int rc = 0;

    et.array = false;
    if (!cJSON_IsArray(v))
        return pg_fail(e, "22P02", "malformed array literal: \"%s\"",
                       cJSON_IsObject(v) ? "{...}" : "...");
    fk_buf_init(&b, 64 * 1024 * 1024);
    if (fk_buf_add(&b, "[", 1) != 0)
        return FK_ENOMEM;
    cJSON_ArrayForEach(it, v)
    {
        struct pg_value ev = {0};
        if (cJSON_IsArray(it))
            rc = pg_fail(e, "22P02", "malformed array literal: \"[...]\"");
        if (rc == 0)
            rc = pg_input_json(&et, it, &ev, e);
        if (rc == 0)
            rc = add_element(&b, &ev) == 0 ? 0 : FK_ENOMEM;
        pg_value_free(&ev);
        if (rc != 0)
            break;
    }
    if (rc == 0 && fk_buf_add(&b, "]", 1) != 0)
        rc = FK_ENOMEM;
    if (rc == 0)
        rc = pg_text_value(out, b.data, b.len);
    fk_buf_cleanup(&b);
    return rc;
}

/* One element of a stored array (as add_element writes them) at *pp, rendered. */
static int render_element(const struct pg_type *et, const char **pp, struct fk_buf *out)
{
    const char *p = *pp;
    char *end = NULL;
    int rc;

    if (strncmp(p, "null", 4) == 0) {
        *pp = p + 4;
        return fk_buf_add(out, "null", 4);
    }
    if (*p == '"') { /* a string: its end, then cJSON unescapes it */
        const char *q = p + 1;
        cJSON *str;
        while (*q != '\0' && *q != '"')
            q += *q == '\\' && q[1] != '\0' ? 2 : 1;
        if (*q != '"')
            return FK_EINVAL;
        str = cJSON_ParseWithLength(p, (size_t)(q + 1 - p));
        if (!cJSON_IsString(str)) {
            cJSON_Delete(str);
            return FK_EINVAL;
        }
        rc = pg_render(et, SQLITE_TEXT, 0, 0, str->valuestring, strlen(str->valuestring), out);
        cJSON_Delete(str);
        *pp = q + 1;
        return rc;
    }
    if (strcspn(p, ".eE,]") < strcspn(p, ",]")) { /* a real: its digits as stored */
        double d = strtod(p, &end);
        if (end == p)
            return FK_EINVAL;
        *pp = end;
        return pg_render(et, SQLITE_FLOAT, 0, d, NULL, 0, out);
    }
    {
        long long i = strtoll(p, &end, 10); /* an integer, exact */
        if (end == p)
            return FK_EINVAL;
        *pp = end;
        return pg_render(et, SQLITE_INTEGER, i, (double)i, NULL, 0, out);
    }
}

int pg_array_render(const struct pg_type *t, const char *s, struct fk_buf *out)
{
    struct pg_type et = *t;
    size_t mark = out->len;
    const char *p = s;
    int rc;

    et.array = false;
    if (*p++ != '[')
        return pg_json_string(out, s, strlen(s));
    rc = fk_buf_add(out, "[", 1);
    for (bool first = true; rc == 0 && *p != ']'; first = false) {
        if (!first && *p++ != ',') {
            rc = FK_EINVAL;
            break;
        }
        if (!first && (rc = fk_buf_add(out, ",", 1)) != 0)
            break;
        rc = render_element(&et, &p, out);
    }
    if (rc == FK_EINVAL) { /* not an array of this layer's: its text */
        out->len = mark;
        return pg_json_string(out, s, strlen(s));
    }
    return rc == 0 ? fk_buf_add(out, "]", 1) : rc;
}

/* ---- jsonb output: PostgreSQL's spacing ---- */

static int jsonb_value(const cJSON *v, struct fk_buf *out, int depth)
{
    char num[400];
    int rc = 0;

    if (depth > 1000)
        return FK_ENOMEM;
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);
        rc = fk_buf_add(out, obj ? "{" : "[", 1);
        for (const cJSON *it = v->child; rc == 0 && it != NULL; it = it->next) {
            if (it != v->child)
                rc = fk_buf_add(out, ", ", 2);
            if (rc == 0 && obj)
                rc = pg_json_string(out, it->string, strlen(it->string));
            if (rc == 0 && obj)
                rc = fk_buf_add(out, ": ", 2);
            if (rc == 0)
                rc = jsonb_value(it, out, depth + 1);
        }
        return rc == 0 ? fk_buf_add(out, obj ? "}" : "]", 1) : rc;
    }
    if (cJSON_IsString(v))
        return pg_json_string(out, v->valuestring, strlen(v->valuestring));
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
            snprintf(num, sizeof num, "%.0f", v->valuedouble);
        else
            pg_format_double(v->valuedouble, false, true, num, sizeof num);
        return fk_buf_addstr(out, strcmp(num, "-0") == 0 ? "0" : num);
    }
    if (cJSON_IsBool(v))
        return fk_buf_addstr(out, cJSON_IsTrue(v) ? "true" : "false");
    return fk_buf_add(out, "null", 4);
}

int pg_jsonb_render(const char *s, struct fk_buf *out)
{
    cJSON *tree = cJSON_Parse(s);
    int rc;

    if (tree == NULL)
        return pg_json_string(out, s, strlen(s));
    rc = jsonb_value(tree, out, 0);
    cJSON_Delete(tree);
    return rc;
}
