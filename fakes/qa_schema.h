/* qa_schema.h: case files checked against the JSON Schemas in schemas/, with messages a
 * person can act on.
 *
 * The build compiles schemas/NAME.schema.json into the program (schemas_embed.h), so `fakes test`
 * checks a case by exactly the rules an editor (through the file's "$schema") and CI's ajv
 * check use. The checker knows a subset of draft-07, and a schema that uses anything else is
 * refused when loaded, so the schemas cannot drift into rules it would silently skip:
 *   type, properties, additionalProperties (false or a schema), required, items, enum,
 *   minimum, maximum, definitions, $ref ("#/definitions/x", "other.schema.json",
 *   "other.schema.json#/definitions/x"), and the annotations $schema, title, description,
 *   default, examples, $comment.
 * Beyond the standard: a key that appears twice in one object is a problem (JSON allows it,
 * but one of the two values is silently lost), and an unknown key names the nearest known
 * one. */
#ifndef FX_QA_SCHEMA_H
#define FX_QA_SCHEMA_H

#include <cjson/cJSON.h>

#include "fakekit/buf.h"
#include "fakekit/err.h"

#define FX_SCHEMA_SCENARIO "scenario.schema.json"
#define FX_SCHEMA_EXPECT   "expect.schema.json"

struct fx_schemas; /* the embedded schemas, parsed and checked */

/* Parse and check every embedded schema. NULL with err set when one is not valid JSON or
 * uses a keyword the checker does not know (a build defect, not a user error). */
struct fx_schemas *fx_schemas_load(struct fk_error *err);
void fx_schemas_free(struct fx_schemas *s);

/* Check doc against the schema called name. Each problem is appended to out as one line,
 * "PATH: message\n" (PATH "(top level)" for the document itself), at most FX_SCHEMA_MAX_PROBLEMS
 * of them. Returns the number of problems (0: valid), or FK_ENOMEM / FK_ENOTFOUND (no such
 * schema). */
#define FX_SCHEMA_MAX_PROBLEMS 20
int fx_schema_check(const struct fx_schemas *s, const char *name, const cJSON *doc,
                    struct fk_buf *out) FK_MUST_CHECK;

/* Parse text as one JSON value (nothing but white space after it). On a syntax error
 * returns NULL and writes "LINE:COLUMN: reason" into err (1-based, columns in bytes). */
cJSON *fx_json_parse_located(const char *text, struct fk_error *err);

/* The candidate closest to key by edit distance, if it is close enough to be a likely typo
 * (case differences count as one edit in total); NULL otherwise. */
const char *fx_nearest(const char *key, const char *const *candidates, size_t n);

#endif
