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
    if (dups == FK_JSON_LAST && fk_json_last_wins(j) != 0) {
        fk_error_set(err, "out of memory");
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}
