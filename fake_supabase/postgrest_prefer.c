/* postgrest_prefer.c: the Prefer header, as PostgREST 12 reads and echoes it.
 *
 * PostgREST v12.2 src/PostgREST/ApiRequest/Preferences.hs: fromHeaders splits every Prefer
 * header on ',' and strips each item; parsePrefs takes, in each family, the first item that
 * is one of the family's spellings; invalidPrefs are the items in none of acceptedPrefs (the
 * families' spellings, tx=commit/rollback included), a timezone= PostgreSQL does not know, and
 * not max-affected=. Plan.hs answers InvalidPreferences (Error.hs: 400 PGRST122 "Invalid
 * preferences given with handling=strict", details "Invalid preferences: a, b") when they are
 * not empty and handling=strict. Response.hs echoes, per method, a subset of them in
 * prefAppliedHeader's order. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/rest_ctx.h"

struct pref_word {
    const char *text;
    int family; /* 0 return, 1 count, 2 resolution, 3 missing, 4 handling, 5 tx, 6 params */
    int value;
};

static const struct pref_word words[] = {
    {"return=representation", 0, SB_RET_REPR},
    {"return=minimal", 0, SB_RET_MINIMAL},
    {"return=headers-only", 0, SB_RET_HEADERS},
    {"count=exact", 1, SB_COUNT_EXACT},
    {"count=planned", 1, SB_COUNT_PLANNED},
    {"count=estimated", 1, SB_COUNT_ESTIMATED},
    {"resolution=merge-duplicates", 2, SB_RES_MERGE},
    {"resolution=ignore-duplicates", 2, SB_RES_IGNORE},
    {"missing=default", 3, SB_MISSING_DEFAULT},
    {"missing=null", 3, SB_MISSING_NULL},
    {"handling=strict", 4, SB_HANDLING_STRICT},
    {"handling=lenient", 4, SB_HANDLING_LENIENT},
    {"tx=commit", 5, 0},
    {"tx=rollback", 5, 1},
    {"params=single-object", 6, 0},
};

static void add_invalid(struct sb_prefer *p, const char *item, size_t len)
{
    size_t n = strlen(p->invalid);

    if (n + len + 3 >= sizeof(p->invalid))
        return;
    snprintf(p->invalid + n, sizeof(p->invalid) - n, "%s%.*s", n > 0 ? ", " : "", (int)len, item);
}

static void take(struct sb_prefer *p, bool *seen, const struct pref_word *w)
{
    if (seen[w->family])
        return; /* parsePrefs: the first of the family wins */
    seen[w->family] = true;
    switch (w->family) {
    case 0:
        p->ret = (enum sb_return)w->value;
        break;
    case 1:
        p->count_kind = (enum sb_count_kind)w->value;
        p->count = true;
        break;
    case 2:
        p->resolution = (enum sb_resolution)w->value;
        break;
    case 3:
        p->missing = (enum sb_missing)w->value;
        p->missing_default = w->value == SB_MISSING_DEFAULT;
        break;
    case 4:
        p->handling = (enum sb_handling)w->value;
        break;
    case 5:
        /* db-tx-end defaults to commit: PostgREST accepts the word and does not apply it */
        break;
    default:
        break;
    }
}

void sb_prefer_parse(const char *header, struct sb_prefer *p)
{
    bool seen[7] = {false};

    memset(p, 0, sizeof(*p));
    while (header != NULL && *header != '\0') {
        const char *end = strchr(header, ',');
        size_t len = end != NULL ? (size_t)(end - header) : strlen(header);
        const struct pref_word *w = NULL;

        while (len > 0 && isspace((unsigned char)*header)) {
            header++;
            len--;
        }
        while (len > 0 && isspace((unsigned char)header[len - 1]))
            len--;
        for (size_t i = 0; w == NULL && i < sizeof(words) / sizeof(words[0]); i++)
            if (strlen(words[i].text) == len && memcmp(words[i].text, header, len) == 0)
                w = &words[i];
        if (w != NULL)
            take(p, seen, w);
        else if (!(len >= 13 && memcmp(header, "max-affected=", 13) == 0) &&
                 !(len > 9 && memcmp(header, "timezone=", 9) == 0))
            add_invalid(p, header, len); /* a timezone= is taken as one PostgreSQL knows */
        header = end != NULL ? end + 1 : NULL;
    }
}

int sb_prefer_strict(struct sb_ctx *c)
{
    char details[300];
    int rc;

    if (c->pref.handling != SB_HANDLING_STRICT || c->pref.invalid[0] == '\0')
        return 0;
    snprintf(details, sizeof(details), "Invalid preferences: %s", c->pref.invalid);
    rc = sb_pg_error(c->resp, 400, "PGRST122", "Invalid preferences given with handling=strict",
                     details, NULL);
    return rc == 0 ? FK_ANSWERED : rc;
}

static void put(char *v, size_t cap, const char *item)
{
    size_t n = strlen(v);

    snprintf(v + n, cap - n, "%s%s", n > 0 ? ", " : "", item);
}

int sb_prefer_applied(struct sb_ctx *c)
{
    static const char *const counts[] = {"", "count=exact", "count=planned", "count=estimated"};
    const char *m = c->req->method;
    bool read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
    bool post = strcmp(m, "POST") == 0, patch = strcmp(m, "PATCH") == 0;
    char v[200] = "";

    if (post && c->pref.resolution != SB_RES_NONE)
        put(v, sizeof(v),
            c->pref.resolution == SB_RES_MERGE ? "resolution=merge-duplicates"
                                               : "resolution=ignore-duplicates");
    if ((post || patch) && c->pref.missing != SB_MISSING_NONE)
        put(v, sizeof(v),
            c->pref.missing == SB_MISSING_DEFAULT ? "missing=default" : "missing=null");
    if (!read && c->pref.ret != SB_RET_DEFAULT)
        put(v, sizeof(v),
            c->pref.ret == SB_RET_MINIMAL ? "return=minimal"
            : c->pref.ret == SB_RET_REPR  ? "return=representation"
                                          : "return=headers-only");
    if (c->pref.count_kind != SB_COUNT_NONE)
        put(v, sizeof(v), counts[c->pref.count_kind]);
    if (c->pref.handling != SB_HANDLING_NONE)
        put(v, sizeof(v),
            c->pref.handling == SB_HANDLING_STRICT ? "handling=strict" : "handling=lenient");
    return v[0] != '\0' ? fk_resp_header(c->resp, "Preference-Applied", v) : 0;
}
