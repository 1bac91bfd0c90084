/* json.c: cJSON getters that say where a document is wrong (see json.h).
 *
 * Each getter finds key in obj (case-sensitively: scenario keys are exact), checks its type
 * and range, and on failure writes "path.key: reason" into err. The messages are part of the
 * admin API's behaviour, so their wording is fixed here and tested. JSON null counts as
 * present with the wrong type: an optional key is left out, not nulled. */
#include "fakekit/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "path.key", or "key" at the document root. */
static void set_key_error(struct fk_error *err, const char *path, const char *key,
                          const char *reason)
{
    if (path != NULL && path[0] != '\0')
        fk_error_set(err, "%s.%s: %s", path, key, reason);
    else
        fk_error_set(err, "%s: %s", key, reason);
}

/* Find key; 1 if present, 0 if absent (FK_EINVAL with "required" when it must be there),
 * FK_EINVAL too when obj itself is not an object. */
static int lookup(const cJSON *obj, const char *key, const char *path, bool required,
                  const cJSON **item, struct fk_error *err)
{
    *item = NULL;
    if (obj == NULL || !cJSON_IsObject(obj)) {
        if (path != NULL && path[0] != '\0')
            fk_error_set(err, "%s: expected an object", path);
        else
            fk_error_set(err, "expected an object");
        return FK_EINVAL;
    }
    *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*item != NULL)
        return 1;
    if (required) {
        set_key_error(err, path, key, "required");
        return FK_EINVAL;
    }
    return 0;
}

int fk_json_check_keys(const cJSON *obj, const char *path, const char *const *allowed,
                       struct fk_error *err)
{
    const cJSON *it;
    size_t i;

    if (obj == NULL || !cJSON_IsObject(obj)) {
        if (path != NULL && path[0] != '\0')
            fk_error_set(err, "%s: expected an object", path);
        else
            fk_error_set(err, "expected an object");
        return FK_EINVAL;
    }
    cJSON_ArrayForEach(it, obj)
    {
        bool ok = false;

        for (i = 0; allowed != NULL && allowed[i] != NULL; i++) {
            if (it->string != NULL && strcmp(it->string, allowed[i]) == 0) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            set_key_error(err, path, it->string != NULL ? it->string : "", "unknown key");
            return FK_EINVAL;
        }
    }
    return 0;
}

int fk_json_get_string(const cJSON *obj, const char *key, const char *path, bool required,
                       const char **out, struct fk_error *err)
{
    const cJSON *item;
    int rc = lookup(obj, key, path, required, &item, err);

    if (rc <= 0)
        return rc;
    if (!cJSON_IsString(item) || item->valuestring == NULL) {
        set_key_error(err, path, key, "expected a string");
        return FK_EINVAL;
    }
    *out = item->valuestring;
    return 0;
}

int fk_json_get_int(const cJSON *obj, const char *key, const char *path, bool required,
                    long long min, long long max, long long *out, struct fk_error *err)
{
    const cJSON *item;
    char reason[128];
    double d;
    int rc = lookup(obj, key, path, required, &item, err);

    if (rc <= 0)
        return rc;
    snprintf(reason, sizeof reason, "expected an integer from %lld to %lld", min, max);
    if (!cJSON_IsNumber(item)) {
        set_key_error(err, path, key, reason);
        return FK_EINVAL;
    }
    d = item->valuedouble;
    /* 2^63 is the first double past LLONG_MAX; checking the double first avoids an
     * undefined conversion. */
    if (!isfinite(d) || d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0 ||
        (long long)d < min || (long long)d > max) {
        set_key_error(err, path, key, reason);
        return FK_EINVAL;
    }
    *out = (long long)d;
    return 0;
}

int fk_json_get_number(const cJSON *obj, const char *key, const char *path, bool required,
                       double min, double max, double *out, struct fk_error *err)
{
    const cJSON *item;
    char reason[128];
    int rc = lookup(obj, key, path, required, &item, err);

    if (rc <= 0)
        return rc;
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || item->valuedouble < min ||
        item->valuedouble > max) {
        snprintf(reason, sizeof reason, "expected a number from %g to %g", min, max);
        set_key_error(err, path, key, reason);
        return FK_EINVAL;
    }
    *out = item->valuedouble;
    return 0;
}

int fk_json_get_bool(const cJSON *obj, const char *key, const char *path, bool required, bool *out,
                     struct fk_error *err)
{
    const cJSON *item;
    int rc = lookup(obj, key, path, required, &item, err);

    if (rc <= 0)
        return rc;
    if (!cJSON_IsBool(item)) {
        set_key_error(err, path, key, "expected true or false");
        return FK_EINVAL;
    }
    *out = cJSON_IsTrue(item);
    return 0;
}

/* obj[key] when it passes is (NULL when absent and optional); else what was expected. */
static int get_container(const cJSON *obj, const char *key, const char *path, bool required,
                         cJSON_bool (*is)(const cJSON *), const char *expected, const cJSON **out,
                         struct fk_error *err)
{
    const cJSON *item;
    int rc = lookup(obj, key, path, required, &item, err);

    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!is(item)) {
        set_key_error(err, path, key, expected);
        return FK_EINVAL;
    }
    *out = item;
    return 0;
}

int fk_json_get_object(const cJSON *obj, const char *key, const char *path, bool required,
                       const cJSON **out, struct fk_error *err)
{
    return get_container(obj, key, path, required, cJSON_IsObject, "expected an object", out, err);
}

int fk_json_get_array(const cJSON *obj, const char *key, const char *path, bool required,
                      const cJSON **out, struct fk_error *err)
{
    return get_container(obj, key, path, required, cJSON_IsArray, "expected an array", out, err);
}

char *fk_json_print(const cJSON *item)
{
    return cJSON_PrintUnformatted(item);
}

int fk_json_add_string_or_null(cJSON *obj, const char *key, const char *s)
{
    cJSON *added =
        s != NULL ? cJSON_AddStringToObject(obj, key, s) : cJSON_AddNullToObject(obj, key);

    return added != NULL ? 0 : FK_ENOMEM;
}
