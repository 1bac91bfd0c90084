/* json.h: cJSON helpers that report where a document is wrong.
 *
 * Every getter takes the JSON path of the object it reads ("faults[2].match") and, on a bad
 * value, writes "faults[2].match.method: expected a string" into err and returns FK_EINVAL.
 * A missing optional key leaves *out untouched and returns 0. Nothing here allocates except
 * fk_json_parse and fk_json_print.
 *
 * Repeated keys: every fake reads request JSON through fk_json_parse, which applies one rule
 * (docs/DESIGN.md "Repeated JSON keys"): a key given twice in one object means its last
 * value, as Go's encoding/json (GoTrue) and PostgreSQL's json functions (PostgREST) take it,
 * so the value a handler checks is the value it uses. LiveKit's protojson refuses repeated
 * fields instead; its decoder (fake_livekit/proto_json.c) does that on the kept members. */
#ifndef FK_JSON_H
#define FK_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"

/* Fail on the first key of obj not in allowed (NULL-terminated): "path.key: unknown key". */
int fk_json_check_keys(const cJSON *obj, const char *path, const char *const *allowed,
                       struct fk_error *err) FK_MUST_CHECK;
int fk_json_get_string(const cJSON *obj, const char *key, const char *path, bool required,
                       const char **out, struct fk_error *err) FK_MUST_CHECK;
int fk_json_get_int(const cJSON *obj, const char *key, const char *path, bool required,
                    long long min, long long max, long long *out,
                    struct fk_error *err) FK_MUST_CHECK;
int fk_json_get_number(const cJSON *obj, const char *key, const char *path, bool required,
                       double min, double max, double *out, struct fk_error *err) FK_MUST_CHECK;
int fk_json_get_bool(const cJSON *obj, const char *key, const char *path, bool required, bool *out,
                     struct fk_error *err) FK_MUST_CHECK;
/* An object member (NULL if absent and optional). */
int fk_json_get_object(const cJSON *obj, const char *key, const char *path, bool required,
                       const cJSON **out, struct fk_error *err) FK_MUST_CHECK;
/* An array member, or for one_or_many an object standing for a one-element array. */
int fk_json_get_array(const cJSON *obj, const char *key, const char *path, bool required,
                      const cJSON **out, struct fk_error *err) FK_MUST_CHECK;

/* What fk_json_parse does with a key repeated in one object. */
enum fk_json_dups {
    FK_JSON_LAST, /* keep the last member of each name, at every depth */
    FK_JSON_KEEP, /* keep them all: the caller's decoder refuses them (protojson) */
};

/* Parse text[0, len) as exactly one JSON value (whitespace around it allowed, nothing else)
 * and apply dups. NULL with err set ("invalid JSON at offset 12") when it is not one JSON
 * value, or ("out of memory") on ENOMEM. Caller cJSON_Delete()s.
 * Every number keeps the text it was written as in its valuestring (cJSON_IsString stays
 * false; cJSON_Delete and cJSON_Duplicate handle it): fk_json_number_text. */
cJSON *fk_json_parse(const char *text, size_t len, enum fk_json_dups dups, struct fk_error *err);
/* Remove, in every object of item at every depth, each member whose name a later member of
 * the same object repeats (exact bytes). Linear in the members. 0 or FK_ENOMEM (item is
 * then partly done, still a valid tree). */
int fk_json_last_wins(cJSON *item) FK_MUST_CHECK;

/* The text a number of a parsed document was written as ("1e3", "1.50",
 * "9223372036854775807"), as PostgreSQL's json functions hand it to a column's input
 * function; NULL for a number built in memory (or anything that is not a number). */
const char *fk_json_number_text(const cJSON *item);

/* Compact text of item; caller frees with cJSON_free. NULL on ENOMEM. */
char *fk_json_print(const cJSON *item);
/* Add a string or JSON null (when s is NULL) under key; 0 or FK_ENOMEM. */
int fk_json_add_string_or_null(cJSON *obj, const char *key, const char *s) FK_MUST_CHECK;

#endif
