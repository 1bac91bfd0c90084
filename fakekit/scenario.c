/* scenario.c: parse a scenario document and apply it all or none.
 *
 * Order matters for "all or none": every rule and limit is parsed (and ids checked) first,
 * then the state is rebuilt inside one transaction, and only when that commits are the rule
 * sets swapped, which can no longer fail for a reason the document could cause. */
#include "fakekit/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/buf.h"
#include "fakekit/json.h"
#include "fakekit/limits.h"

struct parsed {
    struct fk_rule **rules;
    size_t nrules;
    struct fk_limit **limits;
    size_t nlimits;
};

static void parsed_cleanup(struct parsed *p)
{
    for (size_t i = 0; i < p->nrules; i++)
        fk_rule_free(p->rules[i]);
    for (size_t i = 0; i < p->nlimits; i++)
        fk_limit_free(p->limits[i]);
    free(p->rules);
    free(p->limits);
    memset(p, 0, sizeof(*p));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rule ids must be unique before anything is applied (the sets check again when adding, but
 * by then the state would already have changed). Sorted, so 100,000 rules stay cheap. */
static int check_unique_ids(const struct parsed *p, const char *path, struct fk_error *err)
{
    const char **ids = p->nrules > 0 ? calloc(p->nrules, sizeof(*ids)) : NULL;
    size_t n = 0;
    int rc = 0;

    if (p->nrules > 0 && ids == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < p->nrules; i++)
        if (*fk_rule_id(p->rules[i]) != '\0')
            ids[n++] = fk_rule_id(p->rules[i]);
    if (n > 1)
        qsort(ids, n, sizeof(*ids), cmp_str);
    for (size_t i = 1; i < n && rc == 0; i++) {
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            fk_error_set(err, "%s: duplicate id '%s'", path, ids[i]);
            rc = FK_EINVAL;
        }
    }
    free(ids);
    return rc;
}

/* The count and total size limits of a rule set (limits.h), checked before anything is
 * applied: the set would refuse them only after the state had been rebuilt. */
static int check_size(const cJSON *arr, const char *path, const char *what, struct fk_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(arr), bytes = 0;
    const cJSON *it;

    if (n > FK_RULES_MAX) {
        fk_error_set(err, "%s: more than %d %s", path, FK_RULES_MAX, what);
        return FK_ERANGE;
    }
    cJSON_ArrayForEach(it, arr)
    {
        bytes += fk_item_weight(it);
    }
    if (bytes > FK_RULES_BYTES_MAX) {
        fk_error_set(err, "%s: %s too large: %zu bytes (at most %d)", path, what, bytes,
                     FK_RULES_BYTES_MAX);
        return FK_ERANGE;
    }
    return 0;
}

static int parse_rules(struct fk_app *app, const cJSON *arr, const char *path, struct parsed *p,
                       struct fk_error *err)
{
    struct fk_error_check check = fk_app_error_check(app);
    size_t n = (size_t)cJSON_GetArraySize(arr);
    char ipath[160];
    const cJSON *it;
    int rc = check_size(arr, path, "rules", err);

    if (rc != 0)
        return rc;
    if (n > 0 && (p->rules = calloc(n, sizeof(*p->rules))) == NULL)
        return FK_ENOMEM;
    cJSON_ArrayForEach(it, arr)
    {
        snprintf(ipath, sizeof(ipath), "%s[%zu]", path, p->nrules);
        rc = fk_rule_parse(it, ipath, &check, &p->rules[p->nrules], err);
        if (rc != 0)
            return rc;
        p->nrules++;
    }
    return check_unique_ids(p, path, err);
}

static int parse_limits(const cJSON *arr, const char *path, struct parsed *p, struct fk_error *err)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    char ipath[160];
    const cJSON *it;

    int rc = check_size(arr, path, "rate limits", err);

    if (rc != 0)
        return rc;
    if (n > 0 && (p->limits = calloc(n, sizeof(*p->limits))) == NULL)
        return FK_ENOMEM;
    cJSON_ArrayForEach(it, arr)
    {
        snprintf(ipath, sizeof(ipath), "%s[%zu]", path, p->nlimits);
        rc = fk_limit_parse(it, ipath, &p->limits[p->nlimits], err);
        if (rc != 0)
            return rc;
        p->nlimits++;
    }
    return 0;
}

static const char *const section_keys[] = {"faults", "rate_limits", "state", NULL};
/* "$schema" names the JSON Schema (schemas/scenario.schema.json) for editors; ignored here. */
static const char *const single_keys[] = {"name",  "description", "faults", "rate_limits",
                                          "state", "$schema",     NULL};
static const char *const multi_keys[] = {"name",     "description", "twilio", "livekit",
                                         "supabase", "$schema",     NULL};

/* {"scenario": name, "faults": N, "rate_limits": N, "applied": bool}; NULL on ENOMEM. */
static cJSON *scenario_summary(const char *name, size_t faults, size_t limits, bool applied)
{
    cJSON *s = cJSON_CreateObject();

    if (s == NULL ||
        !cJSON_AddItemToObject(s, "scenario",
                               name != NULL ? cJSON_CreateString(name) : cJSON_CreateNull()) ||
        !cJSON_AddNumberToObject(s, "faults", (double)faults) ||
        !cJSON_AddNumberToObject(s, "rate_limits", (double)limits) ||
        !cJSON_AddBoolToObject(s, "applied", applied)) {
        cJSON_Delete(s);
        return NULL;
    }
    return s;
}

/* Find this service's section: the document itself, or doc[service]. *section is NULL
 * when a cross-service document has nothing for this fake. */
static int find_section(const cJSON *doc, const char *service, const cJSON **section, char *path,
                        size_t pathlen, struct fk_error *err)
{
    bool multi = cJSON_HasObjectItem(doc, "twilio") || cJSON_HasObjectItem(doc, "livekit") ||
                 cJSON_HasObjectItem(doc, "supabase");
    int rc;

    if (!cJSON_IsObject(doc)) {
        fk_error_set(err, "scenario: expected an object");
        return FK_EINVAL;
    }
    if (!multi) {
        *section = doc;
        path[0] = '\0';
        return fk_json_check_keys(doc, "", single_keys, err);
    }
    if ((rc = fk_json_check_keys(doc, "", multi_keys, err)) != 0)
        return rc;
    /* Validate every section's shape, not only ours: a typo elsewhere is still a typo. */
    for (size_t i = 2; i < 5; i++) { /* twilio, livekit, supabase */
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(doc, multi_keys[i]);
        if (sec == NULL)
            continue;
        if (!cJSON_IsObject(sec)) {
            fk_error_set(err, "%s: expected an object", multi_keys[i]);
            return FK_EINVAL;
        }
        if ((rc = fk_json_check_keys(sec, multi_keys[i], section_keys, err)) != 0)
            return rc;
    }
    *section = cJSON_GetObjectItemCaseSensitive(doc, service);
    snprintf(path, pathlen, "%s.", service);
    return 0;
}

/* Parse doc and rebuild the state inside one transaction; commit (and swap the rule sets)
 * only when apply is true. A dry run rolls the transaction back: the rollback moves the
 * store's data version (fakekit/store.h), so every cache (fakekit/cache.h) drops what the
 * rolled-back load touched. */
static int scenario_run(struct fk_app *app, const cJSON *doc, cJSON **summary, bool apply,
                        struct fk_error *err)
{
    struct parsed p = {0};
    const cJSON *section = NULL, *faults = NULL, *limits = NULL, *state = NULL;
    const char *name = NULL;
    char prefix[32], path[64];
    int rc;

    if (summary != NULL)
        *summary = NULL;
    rc = find_section(doc, app->svc->name, &section, prefix, sizeof(prefix), err);
    if (rc == 0)
        rc = fk_json_get_string(doc, "name", "", false, &name, err);
    if (rc == 0 && section != NULL) {
        snprintf(path, sizeof(path), "%.*s", (int)(strlen(prefix) ? strlen(prefix) - 1 : 0),
                 prefix);
        if ((rc = fk_json_get_array(section, "faults", path, false, &faults, err)) == 0 &&
            (rc = fk_json_get_array(section, "rate_limits", path, false, &limits, err)) == 0)
            rc = fk_json_get_object(section, "state", path, false, &state, err);
    }
    if (rc == 0 && faults != NULL) {
        snprintf(path, sizeof(path), "%sfaults", prefix);
        rc = parse_rules(app, faults, path, &p, err);
    }
    if (rc == 0 && limits != NULL) {
        snprintf(path, sizeof(path), "%srate_limits", prefix);
        rc = parse_limits(limits, path, &p, err);
    }
    if (rc != 0)
        goto out;

    fk_store_lock(app->store);
    rc = fk_store_begin(app->store);
    if (rc == 0)
        rc = fk_app_reseed(app, err);
    if (rc == 0 && state != NULL) {
        snprintf(path, sizeof(path), "%sstate", prefix);
        rc = fk_app_load_state(app, state, path, err);
    }
    if (rc == 0 && apply)
        rc = fk_store_commit(app->store);
    if (rc != 0 || !apply)
        fk_store_rollback(app->store);
    fk_store_unlock(app->store);
    if (rc != 0)
        goto out;
    if (!apply) {
        if (summary != NULL &&
            (*summary = scenario_summary(name, p.nrules, (size_t)cJSON_GetArraySize(limits),
                                         false)) == NULL)
            rc = FK_ENOMEM;
        goto out;
    }

    fk_faults_clear(app->faults);
    fk_limits_clear(app->limits);
    if ((rc = fk_faults_add(app->faults, p.rules, p.nrules, err)) != 0)
        goto out;
    p.nrules = 0; /* owned by the set now */
    if ((rc = fk_limits_add(app->limits, p.limits, p.nlimits, err)) != 0)
        goto out;
    p.nlimits = 0;
    if (summary != NULL)
        *summary = scenario_summary(name, fk_faults_count(app->faults),
                                    (size_t)cJSON_GetArraySize(limits) /* NULL: 0 */, true);
out:
    parsed_cleanup(&p);
    return rc;
}

int fk_scenario_apply(struct fk_app *app, const cJSON *doc, cJSON **summary, struct fk_error *err)
{
    return scenario_run(app, doc, summary, true, err);
}

int fk_scenario_check(struct fk_app *app, const cJSON *doc, cJSON **summary, struct fk_error *err)
{
    return scenario_run(app, doc, summary, false, err);
}

int fk_scenario_load_file(struct fk_app *app, const char *path, struct fk_error *err)
{
    struct fk_error inner = {{0}};
    size_t len = 0;
    char *text = fk_read_file(path, FK_SCENARIO_FILE_MAX, &len, &inner);
    cJSON *doc = NULL;
    int rc = FK_EIO;

    if (text == NULL) {
        fk_error_set(err, "scenario %s", inner.msg);
        return rc;
    }
    if ((doc = fk_json_parse(text, len, FK_JSON_LAST, &inner)) == NULL) {
        fk_error_set(err, "scenario %s: %s", path, inner.msg);
        rc = FK_EINVAL;
    } else if ((rc = fk_scenario_apply(app, doc, NULL, &inner)) != 0) {
        fk_error_set(err, "scenario %s: %s", path, inner.msg);
    }
    cJSON_Delete(doc);
    free(text);
    return rc;
}
