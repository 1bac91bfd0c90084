/* paging.h: the 2010 API's page arithmetic and page URIs (docs/reference/twilio.md section 5).
 *
 * Lists answer one page of PageSize items at index Page * PageSize, with an envelope whose
 * *_page_uri values are host-relative and carry every filter plus PageSize and Page, so that
 * twilio-node can follow next_page_uri verbatim. Pure functions: unit-tested without a
 * server. */
#ifndef TWILIO_PAGING_H
#define TWILIO_PAGING_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/http.h"

#define TWILIO_PAGE_SIZE_DEFAULT 50
#define TWILIO_PAGE_SIZE_MAX     1000
#define TWILIO_PAGE_MAX          1000000 /* keeps Page * PageSize far from overflow */

struct twilio_page {
    long page, size; /* as requested */
    long offset;     /* index of the first item: page * size */
    long count;      /* items on this page */
    long start, end; /* envelope values: first and last index (both start when empty) */
    bool has_prev, has_next;
};

/* Parse PageSize (NULL: the default) into 1..1000 and Page (NULL: 0) into 0..TWILIO_PAGE_MAX.
 * Returns 0 or FK_EINVAL (not an integer, or out of range). */
int twilio_parse_page_size(const char *s, long *out) FK_MUST_CHECK;
int twilio_parse_page(const char *s, long *out) FK_MUST_CHECK;

/* Fill pg for page/size over total matching items. */
void twilio_page_compute(long page, long size, long total, struct twilio_page *pg);

/* "path?K=V&...&PageSize=N&Page=P": filters with a NULL value are skipped, values are
 * percent-encoded. Caller frees. NULL on ENOMEM. */
char *twilio_page_uri(const char *path, const struct fk_kv *filters, size_t nfilters, long size,
                      long page);

/* Add page, page_size, start, end, first_page_uri, next_page_uri, previous_page_uri and uri
 * to obj. Returns 0 or FK_ENOMEM. */
int twilio_page_envelope(cJSON *obj, const struct twilio_page *pg, const char *path,
                         const struct fk_kv *filters, size_t nfilters) FK_MUST_CHECK;

#endif
