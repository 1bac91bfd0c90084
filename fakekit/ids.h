/* ids.h: the ids a fake hands out are never ids its store already holds, whatever the seed.
 *
 * Ids (LiveKit trunk and rule ids, Twilio SIDs, GoTrue user and session ids) are drawn from
 * the kit's seeded generator (fakekit/rand.h), so a run replays. Two things keep a replay
 * from handing out an id that is stored already:
 *  - a database file counts its opens, and from the second open on the count is mixed into
 *    the generator (fakekit/store.h, fk_store_generation): a fake restarted on the same --db
 *    with the same --seed draws another sequence;
 *  - every id is looked up where such ids live (its table and column) and drawn again while
 *    taken, which also covers ids loaded by a scenario or a state document, or drawn under
 *    another seed.
 * Every function expects the store to be locked (as route handlers have it). */
#ifndef FK_IDS_H
#define FK_IDS_H

#include <stddef.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

/* Draws before giving up; a collision is already rare at 70 bits and more. */
#define FK_ID_DRAWS 64

/* Where ids of one kind are kept: a table and its column (names from the code, never from a
 * client). */
struct fk_id_home {
    const char *table;
    const char *column;
};

/* prefix + n characters of alphabet ("ST_" + 12 of shortuuid's alphabet) into out (len
 * bytes, at least strlen(prefix) + n + 1), not held in home. 0, FK_EIO (the lookup failed)
 * or FK_ECONFLICT (FK_ID_DRAWS draws were all taken). */
int fk_id_chars(struct fk_store *st, const struct fk_id_home *home, const char *prefix,
                const char *alphabet, size_t n, char *out, size_t len) FK_MUST_CHECK;
/* prefix + the lower-case hex of nbytes random bytes ("PN" + 32 hex digits); as above. */
int fk_id_hex(struct fk_store *st, const struct fk_id_home *home, const char *prefix, size_t nbytes,
              char *out, size_t len) FK_MUST_CHECK;
/* A version 4 UUID (out has 37 bytes); as above. */
int fk_id_uuid(struct fk_store *st, const struct fk_id_home *home, char *out) FK_MUST_CHECK;

/* Whether home holds id: 1 yes, 0 no, FK_EIO. */
int fk_id_taken(struct fk_store *st, const struct fk_id_home *home, const char *id) FK_MUST_CHECK;

#endif
