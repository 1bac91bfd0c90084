/* text.h: small text measures shared by the fakes and the launcher.
 *
 * fk_edit_distance is the Levenshtein distance (insertions, deletions and substitutions of one
 * byte each) that "did you mean" hints are built on: fake_supabase's PostgREST hints for an
 * unknown table, and `fakes test` naming the key a typo meant. fk_utf8_fix makes text valid
 * UTF-8 the way Go does, for JSON the fakes read (GoTrue's bodies) and write (every answer
 * built from cJSON). */
#ifndef FK_TEXT_H
#define FK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define FK_EDIT_MAX 63 /* longer strings are never "close": the distance is SIZE_MAX */

/* Edit distance between a and b; with fold_case, ASCII letters compare case-insensitively. */
size_t fk_edit_distance(const char *a, const char *b, bool fold_case);

/* The length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0 when the byte at s
 * starts none: Go's utf8.DecodeRune, which refuses overlong forms, surrogates and code points
 * past U+10FFFF. */
size_t fk_utf8_seq(const unsigned char *s, size_t n);

/* s (len bytes) with every byte that starts no valid UTF-8 sequence replaced by U+FFFD, as Go
 * decodes a JSON string and as json.Marshal writes one. NULL when s is valid UTF-8 already, or
 * on ENOMEM (then *oom is set); else a new NUL-terminated string of *out_len bytes. */
char *fk_utf8_fix(const char *s, size_t len, size_t *out_len, bool *oom);

#endif
