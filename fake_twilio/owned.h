/* owned.h: which inventory numbers some account owns, kept in memory beside the table.
 *
 * A search walks the inventory in order and must skip every owned number; asking SQLite once
 * per candidate made each search after N purchases cost N queries. This set holds one flag
 * per inventory index instead, so skipping an owned number is one byte read.
 *
 * The incoming_phone_numbers table stays the truth; the set is a copy of it, rebuilt by
 * twilio_owned_sync whenever the store's data version (fakekit/store.h) moved since the last
 * rebuild: after any write at all, so no writer has to report to the set. A rebuild reads the
 * owned numbers once (one query, a binary search each), which is what a purchase costs the
 * next search. Numbers outside the inventory (the magic test numbers, numbers from a state
 * document) have no flag: nothing that walks the inventory can meet them.
 *
 * Not thread-safe by itself: every use runs with the store locked (fakekit/store.h). */
#ifndef TWILIO_OWNED_H
#define TWILIO_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_twilio/inventory.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

struct twilio_owned;

/* An empty, not yet synced set for inv (borrowed; must outlive it). NULL on ENOMEM. */
struct twilio_owned *twilio_owned_new(const struct twilio_inventory *inv);
void twilio_owned_free(struct twilio_owned *o); /* NULL is a no-op */

/* Make the set agree with the table, rebuilding it when it may be stale. 0, or FK_EIO when
 * the table cannot be read: the set is then unusable until a later sync succeeds, and
 * callers ask the table per number (twilio_ipn_owned_check). */
int twilio_owned_sync(struct twilio_owned *o, struct fk_store *st) FK_MUST_CHECK;

/* Whether inventory number i is owned. Meaningful only after a successful sync. */
bool twilio_owned_at(const struct twilio_owned *o, size_t i);

/* Owned inventory numbers in the set now; rebuilds done so far (both for tests). */
size_t twilio_owned_count(const struct twilio_owned *o);
uint64_t twilio_owned_rebuilds(const struct twilio_owned *o);

#endif
