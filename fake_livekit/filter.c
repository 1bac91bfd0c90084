/* filter.c: the List request filters of fake_livekit (see filter.h). */
#include "fake_livekit/filter.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fake_livekit/proto_json.h"
#include "fake_livekit/trunk_keys.h"

void lk_normalize_number(const char *num, char *out, size_t outlen)
{
    size_t j = 0;
    bool ok = num[0] != '\0';
    for (const char *p = num; ok && *p; p++) {
        if (!(isdigit((unsigned char)*p) || strchr("- ()", *p) || (*p == '+' && p == num)))
            ok = false;
    }
    if (!ok || strspn(num, "+- ()") == strlen(num)) {
        snprintf(out, outlen, "%s", num);
        return;
    }
    if (outlen < 2)
        return;
    if (num[0] != '+')
        out[j++] = '+';
    for (const char *p = num; *p && j + 1 < outlen; p++) {
        if (!strchr("- ()", *p))
            out[j++] = *p;
    }
    out[j] = '\0';
}

static bool numbers_match(const cJSON *have, const cJSON *want, bool normalize)
{
    char a[LK_TRUNK_NUM_MAX], b[LK_TRUNK_NUM_MAX];
    for (const cJSON *h = have->child; h; h = h->next) {
        if (lk_array_has(want, h->valuestring))
            return true;
        if (!normalize)
            continue;
        lk_normalize_number(h->valuestring, a, sizeof(a));
        for (const cJSON *w = want->child; w; w = w->next) {
            lk_normalize_number(w->valuestring, b, sizeof(b));
            if (strcmp(a, b) == 0)
                return true;
        }
    }
    return false;
}

cJSON *lk_filter_list(cJSON *items, const cJSON *req, const char *idkey, const char *idsfield,
                      const char *numfield, bool normalize)
{
    const cJSON *ids = lk_get_array(req, idsfield);
    const cJSON *want = lk_get_array(req, numfield);
    const cJSON *page = cJSON_GetObjectItemCaseSensitive(req, "page");
    const char *after = lk_get_str(page, "after_id");
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive(page, "limit");
    bool skipping = after[0] != '\0';
    int left = cJSON_IsNumber(limit) && limit->valuedouble > 0 ? (int)limit->valuedouble : -1;
    cJSON *out = cJSON_CreateArray();
    if (!items || !out)
        goto nomem;
    if (ids && ids->child) {
        /* filterIDs: the requested order, a null item where an id is missing. */
        for (const cJSON *id = ids->child; id; id = id->next) {
            cJSON *found = NULL;
            for (cJSON *e = items->child; e && !found; e = e->next) {
                if (strcmp(lk_get_str(e, idkey), id->valuestring) == 0)
                    found = e;
            }
            cJSON *item = found ? cJSON_Duplicate(found, true) : cJSON_CreateNull();
            if (!item || !cJSON_AddItemToArray(out, item)) {
                cJSON_Delete(item);
                goto nomem;
            }
        }
        cJSON_Delete(items);
        items = out;
        out = cJSON_CreateArray();
        if (!out)
            goto nomem;
    }
    while (items->child) {
        cJSON *e = cJSON_DetachItemViaPointer(items, items->child);
        const cJSON *have = lk_get_array(e, numfield);
        bool keep = true;
        if (!cJSON_IsNull(e) && want && want->child && have && have->child)
            keep = numbers_match(have, want, normalize);
        if (keep && skipping) {
            keep = false;
            skipping = strcmp(lk_get_str(e, idkey), after) != 0;
        }
        if (keep && left == 0)
            keep = false;
        if (!keep) {
            cJSON_Delete(e);
            continue;
        }
        if (left > 0)
            left--;
        cJSON_AddItemToArray(out, e);
    }
    cJSON_Delete(items);
    return out;
nomem:
    cJSON_Delete(items);
    cJSON_Delete(out);
    return NULL;
}
