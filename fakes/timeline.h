/* timeline.h: what the sequence picture shows, in order, before any drawing.
 *
 * The merged journals are the truth about what reached each fake; the provisioner's
 * `--trace json` lines add what the client meant (step names, attempt numbers, outcomes) and
 * what never reached a fake (a refused connection). fx_timeline_build interleaves the two:
 * each trace attempt is matched to the first unmatched journal entry with the same service,
 * method and path at or after the last match; steps become notes placed just before the
 * next matched request; an attempt with no journal entry becomes a "client" row. Both
 * renderers (sequence.h) read only rows, so they never see JSON. */
#ifndef FX_TIMELINE_H
#define FX_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakekit/err.h"
#include "fakes/journal_merge.h"

enum fx_row_kind {
    FX_ROW_REQUEST, /* a journal entry: request arrow and reply arrow */
    FX_ROW_NOTE,    /* a trace step: a note across all lifelines */
    FX_ROW_CLIENT,  /* a trace attempt no fake journaled: request arrow that ends in a cross */
};

/* Every string is owned by the row (fx_timeline_cleanup frees them); NULL when absent. */
struct fx_row {
    enum fx_row_kind kind;
    char *service; /* twilio | supabase | livekit (lower case), or as the trace named it */
    char *method;
    char *path;
    char *query;
    char *fault;
    long status; /* 0: no answer */
    bool rate_limited;
    double ms;       /* duration as the fake measured it, else as the trace did */
    int64_t time_us; /* request rows: journal time; others: that of the row before, or 0 */
    char *time;      /* journal time text (request rows) */
    char *step;      /* trace step of this request (or the note's step) */
    long attempt;    /* trace attempt number, 0 when unknown */
    char *outcome;   /* trace outcome of the attempt, or the note's text */
};

struct fx_timeline {
    struct fx_row *rows;
    size_t n;
    size_t matched; /* trace attempts matched to a journal entry */
};

/* Build rows from m (sorted) and, if trace_text is not NULL, the trace: JSON objects one a
 * line; other lines are skipped. Borrows both. Returns 0 or FK_ENOMEM. */
int fx_timeline_build(struct fx_timeline *t, const struct fx_merged *m,
                      const char *trace_text) FK_MUST_CHECK;
void fx_timeline_cleanup(struct fx_timeline *t);

/* Lower-case service name a trace's "service" value refers to ("Twilio API" -> "twilio");
 * unknown names come back lower-cased in buf. */
const char *fx_service_canon(const char *name, char *buf, size_t len);

#endif
