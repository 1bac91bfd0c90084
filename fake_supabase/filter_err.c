/* filter_err.c: the filter module's errors in PostgREST's terms (filter_int.h): PGRST100 parse
 * errors and 42703 for an unknown column, with PostgreSQL's hint naming the closest column. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fake_supabase/filter_int.h"
#include "fakekit/text.h"

void sb_qerr_set(struct sb_qerr *e, unsigned status, const char *code, const char *details,
                 const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    e->status = status;
    snprintf(e->code, sizeof(e->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    snprintf(e->details, sizeof(e->details), "%s", details != NULL ? details : "");
    e->hint[0] = '\0';
}

/* PGRST100 for what (filter, logic tree, order...) text, at 0-based offset pos. */
int sb_qerr_parse(struct sb_qerr *e, const char *what, const char *text, size_t pos,
                  const char *details)
{
    sb_qerr_set(e, 400, "PGRST100", details, "\"failed to parse %s (%.120s)\" (line 1, column %zu)",
                what, text, pos + 1);
    return FK_EINVAL;
}

int sb_qerr_column(struct sb_qerr *e, const struct sb_table *t, const char *name)
{
    /* PostgreSQL's hint (parse_relation.c errorMissingColumn, updateFuzzyAttrMatchState): the
     * columns closest to name, at most 3 edits away and at most half of name's length; one of
     * them is named, two are both named, more give no hint. Checked against PostgreSQL 15. */
    size_t best = 4, half = strlen(name) / 2;
    int first = -1, second = -1;

    sb_qerr_set(e, 400, "42703", NULL, "column %.80s.%.80s does not exist", t->name, name);
    for (size_t i = 0; i < t->ncols; i++) {
        size_t d = fk_edit_distance(t->cols[i].name, name, false);
        if (d > half)
            continue;
        if (d < best) {
            best = d;
            first = (int)i;
            second = -1;
        } else if (d == best && second >= 0) { /* too many at this distance */
            first = second = -1;
        } else if (d == best && first >= 0) {
            second = (int)i;
        }
    }
    if (e != NULL && first >= 0) {
        char one[90], two[120] = "";
        snprintf(one, sizeof one, "%.40s.%.40s", t->name, t->cols[first].name);
        if (second >= 0)
            snprintf(two, sizeof two, " or the column \"%.40s.%.40s\"", t->name,
                     t->cols[second].name);
        snprintf(e->hint, sizeof e->hint, "Perhaps you meant to reference the column \"%s\"%s.",
                 one, two);
    }
    return FK_EINVAL;
}
