/* json.h: cJSON helpers that report where a document is wrong.
 *
 * Every getter takes the JSON path of the object it reads ("faults[2].match") and, on a bad
 * value, writes "faults[2].match.method: expected a string" into err and returns FK_EINVAL.
 * A missing optional key leaves *out untouched and returns 0. Nothing here allocates except
 * fk_json_print. */
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

/* Compact text of item; caller frees with cJSON_free. NULL on ENOMEM. */
char *fk_json_print(const cJSON *item);
/* Add a string or JSON null (when s is NULL) under key; 0 or FK_ENOMEM. */
int fk_json_add_string_or_null(cJSON *obj, const char *key, const char *s) FK_MUST_CHECK;

#endif
