/* conflict_key.h: the text of a conflict key, shared by the walks (conflicts.c) and the
 * index tables that store keys (rule_keys.c, trunk_keys.c).
 *
 * A key is its parts, each as its length in decimal, ':', then its text, so that no two
 * part lists give one key. Pure functions: no store, no state. */
#ifndef LK_CONFLICT_KEY_H
#define LK_CONFLICT_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "fake_livekit/validate.h" /* LK_MSG_MAX */
#include "fakekit/buf.h"
#include "fakekit/err.h"

/* Longest key a walk files: its parts, each as its length, ':' and its text. A longer key
 * fails the walk with FK_ENOMEM, as a message past LK_MSG_MAX does. */
#define LK_KEY_MAX (LK_MSG_MAX * 4)
/* Does the key of parts (n of them) fit LK_KEY_MAX? */
bool lk_conflict_key_fits(const char *const *part, size_t n);

/* Append the key of parts (n of them) to b. 0, or an fk_buf error (FK_ERANGE past the
 * buffer's limit, LK_KEY_MAX for a walk). */
int lk_conflict_key(struct fk_buf *b, const char *const *part, size_t n) FK_MUST_CHECK;

#endif
