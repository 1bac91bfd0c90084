/* journal.h: the bounded request journal (docs/DESIGN.md "Journal").
 *
 * A ring of the last `cap` exchanges; when full the oldest is dropped. Each entry keeps
 * seq, time, method, path, query, headers, the first FK_JOURNAL_BODY_MAX bytes of the body,
 * status, the fault rule id, rate_limited and the duration, with secrets redacted unless
 * told otherwise (redact.h). Thread-safe. */
#ifndef FK_JOURNAL_H
#define FK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/http.h"

struct fk_journal;

struct fk_journal_filter {
    const char *method; /* NULL: any; case-insensitive */
    const char *path;   /* NULL: any; a glob as in match.h */
    int status;         /* 0: any */
    uint64_t since;     /* only entries with seq > since */
    size_t limit;       /* 0: no limit */
};

struct fk_journal *fk_journal_new(size_t cap); /* NULL on ENOMEM */
/* Keep secrets whole (true) or redact them (false, the default: redact.h). Call before the
 * journal is shared between threads. */
void fk_journal_keep_secrets(struct fk_journal *j, bool keep);
/* The service's mask for bodies that are neither JSON nor forms (descriptor.h redact_body);
 * applied unless secrets are kept. NULL: none. */
void fk_journal_redact_body(struct fk_journal *j,
                            bool (*fn)(const struct fk_req *req, char *body, size_t len));
void fk_journal_free(struct fk_journal *j);
/* Record one exchange (everything copied). fault may be NULL. Returns the entry's seq. */
uint64_t fk_journal_add(struct fk_journal *j, const struct fk_req *req, unsigned status,
                        const char *fault, bool rate_limited, int64_t time_us, int64_t duration_us);
/* Matching entries, oldest first, as a JSON array (NULL on ENOMEM). */
cJSON *fk_journal_query(struct fk_journal *j, const struct fk_journal_filter *f);
size_t fk_journal_count(struct fk_journal *j, const struct fk_journal_filter *f);
void fk_journal_clear(struct fk_journal *j);

#endif
