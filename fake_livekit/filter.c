/* filter.c: number normalisation and the List request filters of fake_livekit (filter.h). */
#include "fake_livekit/filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_json.h"

#define FORMATTING " -()" /* what NormalizeNumber's replacer takes out */

/* reNumber (livekit/sip.go:1195): ^\+?[\d\- ()]+$, \d being ASCII digits in Go's RE2. */
static bool number_like(const char *num)
{
    const char *p = num[0] == '+' ? num + 1 : num;
    if (*p == '\0')
        return false;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p) && !strchr(FORMATTING, *p))
            return false;
    }
    return true;
}

void lk_normalize_number(const char *num, char *out, size_t outlen)
{
    size_t j = 0;
    if (outlen == 0)
        return;
    if (!number_like(num)) {
        size_t n = strlen(num);
        n = n < outlen - 1 ? n : outlen - 1;
        memcpy(out, num, n);
        out[n] = '\0';
        return;
    }
    if (num[0] != '+' && j + 1 < outlen)
        out[j++] = '+';
    for (const char *p = num; *p && j + 1 < outlen; p++) {
        if (!strchr(FORMATTING, *p))
            out[j++] = *p;
    }
    out[j] = '\0';
}

char *lk_number_norm(const char *num)
{
    size_t n = strlen(num) + 2;
    char *out = malloc(n);
    if (out)
        lk_normalize_number(num, out, n);
    return out;
}

/* Does one number of have equal one of want, as text or (normalize) normalised? */
static bool shares_number(const cJSON *have, const cJSON *want, bool normalize)
{
    for (const cJSON *h = have->child; h; h = h->next) {
        if (!cJSON_IsString(h))
            continue;
        if (lk_array_has(want, h->valuestring))
            return true;
        if (!normalize)
            continue;
        char *a = lk_number_norm(h->valuestring);
        bool same = false;
        for (const cJSON *w = want->child; a && !same && w; w = w->next) {
            char *b = cJSON_IsString(w) ? lk_number_norm(w->valuestring) : NULL;
            same = b && strcmp(a, b) == 0;
            free(b);
        }
        free(a);
        if (same)
            return true;
    }
    return false;
}

static bool has_items(const cJSON *arr)
{
    return arr && arr->child;
}

bool lk_trunk_keep(const cJSON *trunk, const cJSON *req, bool normalize)
{
    const cJSON *ids = lk_get_array(req, "trunk_ids");
    const cJSON *want = lk_get_array(req, "numbers");
    const cJSON *have = lk_get_array(trunk, "numbers");
    if (has_items(ids) && !lk_array_has(ids, lk_get_str(trunk, "sip_trunk_id")))
        return false;
    if (has_items(want) && has_items(have))
        return shares_number(have, want, normalize);
    return true;
}

bool lk_rule_keep(const cJSON *rule, const cJSON *req)
{
    const cJSON *ids = lk_get_array(req, "dispatch_rule_ids");
    const cJSON *want = lk_get_array(req, "trunk_ids");
    const cJSON *have = lk_get_array(rule, "trunk_ids");
    if (has_items(ids) && !lk_array_has(ids, lk_get_str(rule, "sip_dispatch_rule_id")))
        return false;
    if (has_items(want) && has_items(have))
        return shares_number(have, want, false);
    return true;
}

bool lk_page_keep(const char *id, const char *after_id)
{
    return !(after_id[0] && id[0] && strcmp(id, after_id) <= 0);
}
