/* pages.h: whole AvailablePhoneNumbers bodies, kept until the store changes.
 *
 * A search body is a pure function of the request's path and raw query (they give the
 * filters, the page size and the echoed "uri") and of which numbers are owned. The cache maps
 * that "path?query" text to the bytes sent. Every entry is dropped as soon as the store may
 * have changed: twilio_pages_sync is called with SQLite's count of rows ever inserted,
 * updated or deleted on the connection (sqlite3_total_changes64: every purchase, update,
 * release, reset and state load moves it) and with fake_twilio's own epoch (bumped by seed
 * and state loads, in case one of them ever changes rows without DML); if either moved, the
 * cache empties. A stale page therefore needs a change to ownership that is no row change,
 * which SQLite has no way to make.
 *
 * Not thread-safe by itself: the search handler runs with the store locked (fakekit/store.h),
 * which serialises every use, as for struct twilio_rendered. */
#ifndef TWILIO_PAGES_H
#define TWILIO_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "fakekit/err.h"

#define TWILIO_PAGES_MAX       64                /* entries kept at once */
#define TWILIO_PAGES_MAX_BYTES ((size_t)4 << 20) /* bodies kept at once, in bytes */

struct twilio_pages;

struct twilio_pages *twilio_pages_new(void);    /* NULL on ENOMEM */
void twilio_pages_free(struct twilio_pages *p); /* NULL is a no-op */

/* Drop every entry unless changes and epoch equal those of the previous call. */
void twilio_pages_sync(struct twilio_pages *p, uint64_t changes, uint64_t epoch);

/* The body stored for key, or NULL. Borrowed: valid until the next sync or put. */
const char *twilio_pages_get(const struct twilio_pages *p, const char *key, size_t *len);

/* Store body (len bytes) for key; both are copied. A body too large to keep is not stored
 * (still 0). Older entries make room, oldest first. 0 or FK_ENOMEM. */
int twilio_pages_put(struct twilio_pages *p, const char *key, const char *body,
                     size_t len) FK_MUST_CHECK;

/* Entries held now (for tests). */
size_t twilio_pages_count(const struct twilio_pages *p);

#endif
