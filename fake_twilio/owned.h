/* owned.h: which inventory numbers some account owns, kept in memory beside the table.
 *
 * A search walks the inventory in order and must skip every owned number; asking SQLite once
 * per candidate made each search after N purchases cost N queries. This set holds one flag
 * per inventory index instead, so skipping an owned number is one byte read.
 *
 * The incoming_phone_numbers table stays the truth; the set is a copy kept in step with it:
 *  - twilio_owned_sync rebuilds the flags from the table unless nothing may have changed
 *    since the set last agreed with it: SQLite's count of rows ever changed on the connection
 *    (sqlite3_total_changes64) and fake_twilio's epoch (bumped by seed, reset and state loads)
 *    must both be what the set recorded;
 *  - the handlers that write the table (purchase, update, release) report their own write
 *    with twilio_owned_wrote, in the same locked section, which updates the one flag and
 *    records the new count, so the next search needs no rebuild.
 * Any other write (a state load, a reset, SQL run directly) leaves the recorded count behind
 * and the next sync rebuilds. Numbers outside the inventory (the magic test numbers, numbers
 * from a state document) have no flag: nothing that walks the inventory can meet them.
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
int twilio_owned_sync(struct twilio_owned *o, struct fk_store *st, uint64_t epoch) FK_MUST_CHECK;

/* Whether inventory number i is owned. Meaningful only after a successful sync. */
bool twilio_owned_at(const struct twilio_owned *o, size_t i);

/* The connection's change count, to take just before a write reported with
 * twilio_owned_wrote. */
uint64_t twilio_owned_mark(struct fk_store *st);

/* Report a write to incoming_phone_numbers that began at mark and that changed at most the
 * ownership of phone (NULL: of no number, e.g. an update). When the set agreed with the
 * table at mark, phone's flag is read back from the table and the new count recorded; else
 * nothing happens and the next sync rebuilds. */
void twilio_owned_wrote(struct twilio_owned *o, struct fk_store *st, uint64_t mark, uint64_t epoch,
                        const char *phone);

/* Owned inventory numbers in the set now; rebuilds done so far (both for tests). */
size_t twilio_owned_count(const struct twilio_owned *o);
uint64_t twilio_owned_rebuilds(const struct twilio_owned *o);

#endif
