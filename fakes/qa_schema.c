/* qa_schema.c: the draft-07 subset of qa_schema.h over cJSON, and located JSON errors.
 *
 * A check walks the document and the schema together, carrying the document path
 * ("steps[1].exit") for messages. Problems are collected rather than stopping at the first,
 * so one run of `fakes test` shows a QA engineer everything wrong with a file; below an
 * object or array whose type is wrong nothing more is said (it would only repeat the news). */
#include "fakes/qa_schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/text.h"
#include "fakes/schemas_embed.h"

#define NSCHEMAS_MAX 8
#define PATH_LEN     512

struct fx_schemas {
    const char *names[NSCHEMAS_MAX];
    cJSON *docs[NSCHEMAS_MAX];
    size_t n;
};

struct check {
    const struct fx_schemas *s;
    struct fk_buf *out;
    int problems;
    bool oom;
};

static const char *const keywords[] = {
    "$schema",  "title",    "description", "default",
    "examples", "$comment", "type",        "enum",
    "minimum",  "maximum",  "required",    "properties",
    "items",    "$ref",     "definitions", "additionalProperties",
};

/* A schema only uses keywords the checker implements; every subschema is checked too. */
static int schema_ok(const cJSON *sch, const char *where, struct fk_error *err)
{
    const cJSON *k, *sub;

    if (cJSON_IsBool(sch))
        return 0;
    if (!cJSON_IsObject(sch)) {
        fk_error_set(err, "%s: a schema must be an object", where);
        return FK_EINVAL;
    }
    cJSON_ArrayForEach(k, sch)
    {
        size_t i = 0;
        while (i < sizeof(keywords) / sizeof(keywords[0]) && strcmp(k->string, keywords[i]) != 0)
            i++;
        if (i == sizeof(keywords) / sizeof(keywords[0])) {
            fk_error_set(err, "%s: keyword '%s' is not supported by fakes' checker", where,
                         k->string);
            return FK_EINVAL;
        }
    }
    if ((sub = cJSON_GetObjectItemCaseSensitive(sch, "items")) != NULL &&
        schema_ok(sub, where, err) != 0)
        return FK_EINVAL;
    if ((sub = cJSON_GetObjectItemCaseSensitive(sch, "additionalProperties")) != NULL &&
        schema_ok(sub, where, err) != 0)
        return FK_EINVAL;
    static const char *const maps[] = {"properties", "definitions"};
    for (size_t m = 0; m < 2; m++) {
        const cJSON *map = cJSON_GetObjectItemCaseSensitive(sch, maps[m]);
        cJSON_ArrayForEach(sub, map)
        {
            if (schema_ok(sub, where, err) != 0)
                return FK_EINVAL;
        }
    }
    return 0;
}

struct fx_schemas *fx_schemas_load(struct fk_error *err)
{
    struct fx_schemas *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        fk_error_set(err, "out of memory");
        return NULL;
    }
    for (const struct fx_embedded_file *f = fx_embedded_schemas; f->name != NULL; f++) {
        struct fk_error why = {{0}};
        cJSON *doc = s->n < NSCHEMAS_MAX ? fx_json_parse_located(f->text, &why) : NULL;
        if (doc == NULL || schema_ok(doc, f->name, &why) != 0) {
            fk_error_set(err, "embedded schema %s: %s", f->name, why.msg[0] ? why.msg : "too many");
            cJSON_Delete(doc);
            fx_schemas_free(s);
            return NULL;
        }
        s->names[s->n] = f->name;
        s->docs[s->n++] = doc;
    }
    return s;
}

void fx_schemas_free(struct fx_schemas *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        cJSON_Delete(s->docs[i]);
    free(s);
}

static const cJSON *schema_named(const struct fx_schemas *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->names[i]) == len && strncmp(s->names[i], name, len) == 0)
            return s->docs[i];
    return NULL;
}

/* Resolve ref against root (the document the referring schema lives in). */
static const cJSON *resolve(const struct fx_schemas *s, const cJSON *root, const char *ref,
                            const cJSON **new_root)
{
    const char *hash = strchr(ref, '#');
    size_t file_len = hash != NULL ? (size_t)(hash - ref) : strlen(ref);

    *new_root = file_len > 0 ? schema_named(s, ref, file_len) : root;
    if (*new_root == NULL)
        return NULL;
    if (hash == NULL || hash[1] == '\0')
        return *new_root;
    if (strncmp(hash, "#/definitions/", 14) != 0)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(*new_root, "definitions"), hash + 14);
}

static void problem(struct check *c, const char *path, const char *fmt, ...) FK_PRINTF(3, 4);

static void problem(struct check *c, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (c->problems++ >= FX_SCHEMA_MAX_PROBLEMS)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (fk_buf_printf(c->out, "%s: %s\n", *path ? path : "(top level)", msg) != 0)
        c->oom = true;
}

static const char *type_of(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "object";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return v->valuedouble == floor(v->valuedouble) &&
                       fabs(v->valuedouble) < 9.007199254740992e15
                   ? "integer"
                   : "number";
    if (cJSON_IsBool(v))
        return "boolean";
    return "null";
}

static bool is_type(const cJSON *v, const char *t)
{
    const char *have = type_of(v);
    return strcmp(have, t) == 0 || (strcmp(t, "number") == 0 && strcmp(have, "integer") == 0);
}

/* "an integer", "a string or null": the type keyword in words. */
static void type_words(const cJSON *type, char *buf, size_t len)
{
    const cJSON *t;
    size_t used = 0;
    int i = 0, n = cJSON_IsArray(type) ? cJSON_GetArraySize(type) : 1;

    buf[0] = '\0';
    if (cJSON_IsString(type)) {
        snprintf(buf, len, "%s %s", strchr("aeiou", type->valuestring[0]) ? "an" : "a",
                 type->valuestring);
        return;
    }
    cJSON_ArrayForEach(t, type)
    {
        if (!cJSON_IsString(t) || used >= len)
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
                                 i == 0 ? (strchr("aeiou", t->valuestring[0]) ? "an " : "a ") : "",
                                 i > 0 ? (i == n - 1 ? " or " : ", ") : "", t->valuestring);
        i++;
    }
}

static bool type_ok(struct check *c, const cJSON *sch, const cJSON *v, const char *path)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(sch, "type"), *t;
    char words[128];

    if (type == NULL)
        return true;
    if (cJSON_IsString(type) && is_type(v, type->valuestring))
        return true;
    cJSON_ArrayForEach(t, type)
    {
        if (cJSON_IsString(t) && is_type(v, t->valuestring))
            return true;
    }
    type_words(type, words, sizeof(words));
    problem(c, path, "expected %s, got %s", words, type_of(v));
    return false;
}

static void enum_check(struct check *c, const cJSON *sch, const cJSON *v, const char *path)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(sch, "enum"), *it;
    char list[256] = "";
    size_t used = 0;

    if (e == NULL)
        return;
    cJSON_ArrayForEach(it, e)
    {
        if (cJSON_Compare(it, v, true))
            return;
        char *s = cJSON_PrintUnformatted(it);
        if (s != NULL && used < sizeof(list))
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", s);
        cJSON_free(s);
    }
    char *got = cJSON_PrintUnformatted(v);
    problem(c, path, "%s is not one of %s", got != NULL ? got : "the value", list);
    cJSON_free(got);
}

static void range_check(struct check *c, const cJSON *sch, const cJSON *v, const char *path)
{
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(sch, "minimum");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(sch, "maximum");

    if (!cJSON_IsNumber(v))
        return;
    if (cJSON_IsNumber(min) && v->valuedouble < min->valuedouble)
        problem(c, path, "%g is below the minimum %g", v->valuedouble, min->valuedouble);
    if (cJSON_IsNumber(max) && v->valuedouble > max->valuedouble)
        problem(c, path, "%g is above the maximum %g", v->valuedouble, max->valuedouble);
}

static void check_value(struct check *c, const cJSON *root, const cJSON *sch, const cJSON *v,
                        const char *path, int depth);

static void unknown_key(struct check *c, const cJSON *props, const char *key, const char *path)
{
    const char *names[64];
    size_t n = 0;
    const cJSON *p;
    char known[384] = "";
    size_t used = 0;

    cJSON_ArrayForEach(p, props)
    {
        if (n < 64 && strcmp(p->string, "$schema") != 0)
            names[n++] = p->string;
    }
    const char *near = fx_nearest(key, names, n);
    if (near != NULL) {
        problem(c, path, "unknown key \"%s\" (did you mean \"%s\"?)", key, near);
        return;
    }
    for (size_t i = 0; i < n && used < sizeof(known); i++)
        used +=
            (size_t)snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "", names[i]);
    problem(c, path, "unknown key \"%s\" (known keys: %s)", key, n ? known : "none");
}

static void join(char *out, size_t len, const char *path, const char *key)
{
    snprintf(out, len, "%s%s%s", path, *path ? "." : "", key);
}

static void check_object(struct check *c, const cJSON *root, const cJSON *sch, const cJSON *v,
                         const char *path, int depth)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(sch, "properties");
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(sch, "additionalProperties");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(sch, "required"), *it, *prev;
    char sub[PATH_LEN];

    cJSON_ArrayForEach(it, req)
    {
        if (cJSON_IsString(it) && !cJSON_HasObjectItem(v, it->valuestring))
            problem(c, path, "missing key \"%s\"", it->valuestring);
    }
    cJSON_ArrayForEach(it, v)
    {
        join(sub, sizeof(sub), path, it->string);
        for (prev = v->child; prev != it; prev = prev->next) {
            if (strcmp(prev->string, it->string) == 0) {
                problem(c, path, "key \"%s\" appears twice (one value would be lost)", it->string);
                break;
            }
        }
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, it->string);
        if (ps != NULL)
            check_value(c, root, ps, it, sub, depth + 1);
        else if (cJSON_IsFalse(extra))
            unknown_key(c, props, it->string, path);
        else if (cJSON_IsObject(extra))
            check_value(c, root, extra, it, sub, depth + 1);
    }
}

static void check_value(struct check *c, const cJSON *root, const cJSON *sch, const cJSON *v,
                        const char *path, int depth)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(sch, "$ref");
    const cJSON *items;

    if (depth > 64) {
        problem(c, path, "nested too deeply");
        return;
    }
    if (cJSON_IsString(ref)) {
        const cJSON *new_root = NULL, *target = resolve(c->s, root, ref->valuestring, &new_root);
        if (target == NULL)
            problem(c, path, "schema reference %s cannot be resolved", ref->valuestring);
        else
            check_value(c, new_root, target, v, path, depth + 1);
        return;
    }
    if (!type_ok(c, sch, v, path))
        return;
    enum_check(c, sch, v, path);
    range_check(c, sch, v, path);
    if (cJSON_IsObject(v)) {
        check_object(c, root, sch, v, path, depth);
    } else if (cJSON_IsArray(v) && (items = cJSON_GetObjectItemCaseSensitive(sch, "items"))) {
        char sub[PATH_LEN];
        int i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            snprintf(sub, sizeof(sub), "%s[%d]", path, i++);
            check_value(c, root, items, it, sub, depth + 1);
        }
    }
}

int fx_schema_check(const struct fx_schemas *s, const char *name, const cJSON *doc,
                    struct fk_buf *out)
{
    const cJSON *root = schema_named(s, name, strlen(name));
    struct check c = {.s = s, .out = out};

    if (root == NULL)
        return FK_ENOTFOUND;
    check_value(&c, root, root, doc, "", 0);
    if (c.problems > FX_SCHEMA_MAX_PROBLEMS &&
        fk_buf_printf(out, "... and %d more\n", c.problems - FX_SCHEMA_MAX_PROBLEMS) != 0)
        c.oom = true;
    return c.oom ? FK_ENOMEM : c.problems;
}

cJSON *fx_json_parse_located(const char *text, struct fk_error *err)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(text, &end, true);
    int line = 1, col = 1;

    if (doc != NULL)
        return doc;
    if (end == NULL)
        end = text;
    for (const char *p = text; p < end && *p; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (*end == '\0')
        fk_error_set(err, "%d:%d: invalid JSON: the document ends too early", line, col);
    else
        fk_error_set(err, "%d:%d: invalid JSON at '%.*s'", line, col,
                     (int)(strcspn(end, "\r\n") < 20 ? strcspn(end, "\r\n") : 20), end);
    return NULL;
}

const char *fx_nearest(const char *key, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, klen = strlen(key);

    if (klen == 0 || klen > FK_EDIT_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = fk_edit_distance(key, candidates[i], true);
        if (d == 0 && strcmp(key, candidates[i]) != 0)
            d = 1; /* "Exit" for "exit" */
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* One edit in four characters, at least two: "jurnal" -> "journal", "sevice" ->
     * "service", "exit_code" -> nothing. */
    size_t allowed = klen / 4 > 2 ? klen / 4 : 2;
    return best != NULL && best_d <= allowed && best_d < klen ? best : NULL;
}
