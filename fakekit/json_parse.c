/* json_parse.c: request JSON as every fake reads it (json.h, docs/DESIGN.md "Repeated JSON
 * keys").
 *
 * cJSON keeps every member of an object, in order, and cJSON_GetObjectItem finds the first;
 * a handler that checked the first "role" while the update stored the last one was issue 15's
 * privilege escalation. fk_json_last_wins leaves one member per name, the last, the value Go's
 * encoding/json and PostgreSQL's json functions take. Small objects are scanned pair by pair;
 * larger ones use a hash set of names sized to the object, so a 1 MiB body of distinct keys
 * costs linear time. Recursion follows the document's nesting, which cJSON's parser caps
 * (CJSON_NESTING_LIMIT).
 *
 * Before cJSON sees the text, one pass over its strings refuses what no C string can carry
 * and no upstream accepts: a raw control character inside a string (RFC 8259 forbids it; Go
 * and PostgreSQL refuse it) and the escape \u0000 (PostgreSQL's "unsupported Unicode escape
 * sequence"). cJSON would cut the string at the NUL, and the fake would read a shorter value
 * than the one that was sent. */
#include "fakekit/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_OBJECT 8 /* members up to which a pairwise scan beats hashing */

static bool same_name(const cJSON *a, const cJSON *b)
{
    const char *x = a->string != NULL ? a->string : "";
    const char *y = b->string != NULL ? b->string : "";

    return strcmp(x, y) == 0;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; s != NULL && *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Remove the earlier repeats among obj's own members, pair by pair. */
static void dedupe_small(cJSON *obj)
{
    cJSON *it = obj->child, *next;

    for (; it != NULL; it = next) {
        next = it->next;
        for (const cJSON *later = next; later != NULL; later = later->next) {
            if (same_name(it, later)) {
                cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
                break;
            }
        }
    }
}

/* The same for n members: walk from the last, keep a name the first time it is seen. */
static int dedupe_hashed(cJSON *obj, size_t n)
{
    size_t cap = 16;
    const cJSON **seen;
    cJSON *it = obj->child->prev; /* cJSON keeps the last member in child->prev */

    while (cap < 2 * n)
        cap *= 2;
    if ((seen = calloc(cap, sizeof(*seen))) == NULL)
        return FK_ENOMEM;
    while (it != NULL) {
        cJSON *prev = it == obj->child ? NULL : it->prev;
        size_t slot = (size_t)name_hash(it->string) & (cap - 1);
        bool dup = false;
        while (seen[slot] != NULL && !(dup = same_name(seen[slot], it)))
            slot = (slot + 1) & (cap - 1);
        if (dup)
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
        else
            seen[slot] = it;
        it = prev;
    }
    free(seen);
    return 0;
}

int fk_json_last_wins(cJSON *item)
{
    size_t n = 0;
    cJSON *it;

    if (item == NULL || !(cJSON_IsObject(item) || cJSON_IsArray(item)))
        return 0;
    for (it = item->child; it != NULL; it = it->next)
        n++;
    if (cJSON_IsObject(item) && n > 1) {
        if (n <= SMALL_OBJECT)
            dedupe_small(item);
        else if (dedupe_hashed(item, n) != 0)
            return FK_ENOMEM;
    }
    for (it = item->child; it != NULL; it = it->next)
        if (fk_json_last_wins(it) != 0)
            return FK_ENOMEM;
    return 0;
}

/* Offset of the first raw control character or \u0000 inside a string of text, or len. */
static size_t bad_string_byte(const char *text, size_t len)
{
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (!in_string) {
            in_string = ch == '"';
            continue;
        }
        if (ch < 0x20)
            return i;
        if (ch == '"') {
            in_string = false;
        } else if (ch == '\\' && i + 1 < len) {
            if (text[i + 1] == 'u' && i + 6 <= len && memcmp(text + i + 2, "0000", 4) == 0)
                return i;
            i++; /* the escaped character, whatever it is */
        }
    }
    return len;
}

static bool json_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Just past the JSON string that starts at p ('"'). */
static const char *string_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return end;
}

static size_t digits(const char *p, size_t i, size_t n)
{
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++;
    return i;
}

/* The length of the RFC 8259 number at the start of p[0, n): cJSON also takes "01", "1." and
 * "-01", which Go, protojson and PostgreSQL refuse. */
static size_t rfc_number(const char *p, size_t n)
{
    size_t i = n > 0 && p[0] == '-' ? 1 : 0, d;

    if (i < n && p[i] == '0')
        i++;
    else if (i < n && p[i] >= '1' && p[i] <= '9')
        i = digits(p, i, n);
    else
        return 0;
    if (i < n && p[i] == '.') {
        if ((d = digits(p, i + 1, n)) == i + 1)
            return i;
        i = d;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        size_t s = i + 1 < n && (p[i + 1] == '+' || p[i + 1] == '-') ? i + 2 : i + 1;
        if ((d = digits(p, s, n)) == s)
            return i;
        i = d;
    }
    return i;
}

/* Walk item and the text cJSON parsed it from (p, valid JSON up to end) side by side, and
 * give each number a copy of its text. Returns just past item's text; NULL on ENOMEM, or
 * with *bad set to the number's end when a number is not RFC 8259's. The recursion follows
 * the document's nesting, which cJSON capped. */
static const char *number_texts(cJSON *item, const char *p, const char *end, const char **bad)
{
    while (p < end && json_space(*p))
        p++;
    if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
        p++; /* { or [ */
        for (cJSON *c = item->child; c != NULL && p != NULL; c = c->next) {
            while (p < end && (json_space(*p) || *p == ','))
                p++;
            if (cJSON_IsObject(item)) { /* the key, then ':' */
                p = string_end(p, end);
                while (p < end && (json_space(*p) || *p == ':'))
                    p++;
            }
            p = number_texts(c, p, end, bad);
        }
        if (p == NULL)
            return NULL;
        while (p < end && json_space(*p))
            p++;
        return p + 1; /* } or ] */
    }
    if (cJSON_IsString(item))
        return string_end(p, end);
    const char *q = p;
    while (q < end && strchr("+-0123456789.eE", *q) != NULL && *q != '\0')
        q++;
    if (cJSON_IsNumber(item) && rfc_number(p, (size_t)(q - p)) != (size_t)(q - p)) {
        *bad = p + rfc_number(p, (size_t)(q - p));
        return NULL;
    }
    if (cJSON_IsNumber(item) && (item->valuestring = strndup(p, (size_t)(q - p))) == NULL)
        return NULL;
    while (q < end && *q >= 'a' && *q <= 'z') /* true, false, null */
        q++;
    return q;
}

const char *fk_json_number_text(const cJSON *item)
{
    return cJSON_IsNumber(item) ? item->valuestring : NULL;
}

cJSON *fk_json_parse(const char *text, size_t len, enum fk_json_dups dups, struct fk_error *err)
{
    const char *end = NULL;
    size_t bad = bad_string_byte(text, len);
    cJSON *j = bad == len ? cJSON_ParseWithLengthOpts(text, len, &end, 0) : NULL;

    if (j == NULL) {
        size_t off = bad < len ? bad : end != NULL && end >= text ? (size_t)(end - text) : 0;
        fk_error_set(err, "invalid JSON at offset %zu", off);
        return NULL;
    }
    while (end < text + len && json_space(*end))
        end++;
    if (end < text + len) {
        fk_error_set(err, "invalid JSON at offset %zu", (size_t)(end - text));
        cJSON_Delete(j);
        return NULL;
    }
    /* cJSON skips a UTF-8 byte order mark before the value */
    const char *bad_num = NULL,
               *start = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
    bool walked = number_texts(j, start, text + len, &bad_num) != NULL;
    if (bad_num != NULL) {
        fk_error_set(err, "invalid JSON at offset %zu", (size_t)(bad_num - text));
        cJSON_Delete(j);
        return NULL;
    }
    if (!walked || (dups == FK_JSON_LAST && fk_json_last_wins(j) != 0)) {
        fk_error_set(err, "out of memory");
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}
