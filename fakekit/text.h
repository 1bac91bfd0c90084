/* text.h: small text measures shared by the fakes and the launcher.
 *
 * fk_edit_distance is the Levenshtein distance (insertions, deletions and substitutions of one
 * byte each) that "did you mean" hints are built on: fake_supabase's PostgREST hints for an
 * unknown table, and `fakes test` naming the key a typo meant. */
#ifndef FK_TEXT_H
#define FK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define FK_EDIT_MAX 63 /* longer strings are never "close": the distance is SIZE_MAX */

/* Edit distance between a and b; with fold_case, ASCII letters compare case-insensitively. */
size_t fk_edit_distance(const char *a, const char *b, bool fold_case);

#endif
