/* journal_merge.h: the three fakes' journals as one list in time order.
 *
 * Each fake answers GET /__admin/requests with a JSON array of entries (docs/DESIGN.md "Admin
 * API"): seq, time (RFC 3339 with microseconds), method, path, query, status, fault,
 * rate_limited, duration_us. fx_merged holds those arrays and a flat index over them, sorted
 * by time, then service name, then seq, so two runs over the same journals print the same
 * lines. Nothing here does I/O except printing to a FILE the caller gives. */
#ifndef FX_JOURNAL_MERGE_H
#define FX_JOURNAL_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"

/* One journal entry. Strings are borrowed from the JSON array the entry came from and live
 * as long as the fx_merged that holds it. */
struct fx_entry {
    const char *service; /* "twilio", "livekit", "supabase": borrowed from fx_merged */
    int64_t time_us;     /* microseconds since the epoch, from "time" */
    const char *time;    /* the "time" text as the fake wrote it */
    double seq;
    const char *method;
    const char *path;
    const char *query; /* "" when absent */
    const char *fault; /* NULL when no fault rule fired */
    long status;       /* 0 when the fake never answered (reset, empty, hang) */
    bool rate_limited;
    double duration_us;
    const cJSON *json; /* the whole entry */
};

struct fx_merged {
    struct fx_entry *entries; /* sorted after fx_merged_sort */
    size_t n;
    cJSON *docs[8]; /* the journals added, owned */
    char *names[8]; /* their service names, owned */
    size_t ndocs;
};

void fx_merged_init(struct fx_merged *m);
void fx_merged_cleanup(struct fx_merged *m);

/* Add one fake's journal. Takes ownership of journal (even on failure). Returns 0,
 * FK_ENOMEM, FK_ERANGE (more than 8 journals) or FK_EINVAL with err naming the bad entry
 * ("twilio[3].time: expected RFC 3339"). */
int fx_merged_add(struct fx_merged *m, const char *service, cJSON *journal,
                  struct fk_error *err) FK_MUST_CHECK;

/* Sort by time, then service name, then seq. */
void fx_merged_sort(struct fx_merged *m);

/* "2024-05-01T12:00:00.123456Z" (fraction and offset optional, "+02:00" accepted) to
 * microseconds since the epoch. Returns 0 or FK_EINVAL. */
int fx_rfc3339_parse(const char *s, int64_t *us) FK_MUST_CHECK;

/* One line per entry: TIME SERVICE METHOD PATH[?QUERY] STATUS [fault=ID] [rate_limited] DURms */
void fx_merged_print(const struct fx_merged *m, FILE *out);

/* The merged entries as a JSON array, each a copy of its entry with "service" first.
 * Caller cJSON_Delete()s; NULL on ENOMEM. */
cJSON *fx_merged_json(const struct fx_merged *m);

#endif
