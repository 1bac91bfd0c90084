/* filter_jpath.h: PostgREST's JSON paths on a column: col->key, col->>key, col->0, chained.
 *
 * PostgREST v12.2 src/PostgREST/ApiRequest/QueryParams.hs pJsonPath reads "->" or "->>"
 * followed by an operand: an integer index ('-'? digits, ending at "->", "::", ".", "," or the
 * end) or a key (a "double quoted" value, or a run of characters other than "(-:.,>)",
 * stripped). Query/SqlFragment.hs pgFmtField writes "t"."col"->'key'->>'0'::int for json and
 * jsonb columns and to_jsonb("t"."col")->... for any other type (Plan.hs
 * resolveTypeOrUnknown). A path that ends in "->>" yields text, one that ends in "->" jsonb; in
 * select= the output key is the last key of the path, or the column's name when the path has
 * only indexes (Plan.hs lastJsonKey).
 *
 * The fake navigates the stored JSON (json, jsonb and array columns; pgtype.h storage forms)
 * with cJSON in the SQLite function pgrst_jpath(value, 'kKiI...', key1, key2, ...) (one flag
 * per step: k key ->, K key ->>, i index ->, I index ->>): NULL where PostgreSQL gives NULL (a
 * missing key, an index out of range, a key of an array, to_jsonb of a scalar column); text
 * for "->>" (a string's value, JSON null as NULL, anything else its jsonb text); for "->" the
 * jsonb storage form of the node, so that eq/neq/in compare jsonb values as PostgreSQL does
 * (numbers are cJSON doubles: 1.50 and 1.5 are one value, as in jsonb). Known differences:
 * ordering and gt/lt on a "->" operand compare the storage text, not jsonb's order; a "->>"
 * step before the last one navigates on (PostgreSQL answers 42883 for text -> unknown). */
#ifndef SB_FILTER_JPATH_H
#define SB_FILTER_JPATH_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fakekit/buf.h"

struct sb_jstep {
    char *key;   /* the key, or the index as written ("0", "-1") */
    bool is_idx; /* an integer index */
    bool text;   /* reached with "->>" */
};

struct sb_jpath {
    struct sb_jstep *steps;
    size_t n;
};

/* Split "col->a->>b" at its first "->": *name_len is the column name's length, and *out the
 * path (NULL when the text has no "->"). 0, FK_EINVAL when what follows the name is not a
 * path (PGRST100 for the caller), FK_ENOMEM. Caller frees *out with sb_jpath_free. */
int sb_jpath_split(const char *text, size_t *name_len, struct sb_jpath **out);
void sb_jpath_free(struct sb_jpath *p);                  /* NULL-safe */
struct sb_jpath *sb_jpath_dup(const struct sb_jpath *p); /* NULL on ENOMEM or p NULL */
/* Does the path end in "->>" (text) rather than "->" (jsonb)? */
bool sb_jpath_is_text(const struct sb_jpath *p);
/* select='s output key for col's path: the last key, else col. */
const char *sb_jpath_alias(const struct sb_jpath *p, const char *col);
/* The node at the path in root (borrowed), or NULL. */
const cJSON *sb_jpath_eval(const struct sb_jpath *p, const cJSON *root);
/* Append v as PostgreSQL's jsonb output writes it ({"a": 1, "b": [1, 2]}). */
int sb_jsonb_text(struct fk_buf *out, const cJSON *v) FK_MUST_CHECK;
/* Append to out (a select's JSON object member value) the path's value in the rendered
 * column value col (a JSON text; NULL or "null": null): the node for "->", a JSON string (or
 * null) for "->>". */
int sb_jpath_render(struct fk_buf *out, const struct sb_jpath *p, const char *col,
                    size_t len) FK_MUST_CHECK;
/* The SQL call's flags ("kK..."), into buf of at least p->n + 1 bytes. */
void sb_jpath_flags(const struct sb_jpath *p, char *buf);
/* Register pgrst_jpath and pgrst_jnorm(text) (a "->" filter's literal in the form pgrst_jpath
 * gives a node) on db; sb_jpath_auto on every connection opened afterwards. */
int sb_jpath_register(sqlite3 *db);
void sb_jpath_auto(void);

#endif
