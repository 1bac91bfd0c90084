/* match.h: the request matcher shared by fault rules and rate limits.
 *
 * {"method": "POST", "path": "/2010-04-01/Accounts/x/IncomingPhoneNumbers.json",
 *  "query": {"PageSize": "5"}, "headers": {"X-Case": "a"}, "body_contains": "PhoneNumber"}
 * Every key is optional; all given must hold. Paths are globs: '*' matches within one
 * segment (also a part of one: "*.json"), '**' any number of segments (zero included).
 * Method compares case-insensitively, header names case-insensitively, query names and
 * all values exactly (query values against the decoded fields). */
#ifndef FK_MATCH_H
#define FK_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/http.h"

struct fk_pair {
    char *key;
    char *value;
};

struct fk_match {
    char *method;        /* NULL: any */
    char *path;          /* NULL: any */
    struct fk_pair *query;
    size_t nquery;
    struct fk_pair *headers;
    size_t nheaders;
    char *body_contains; /* NULL: any */
};

/* Glob match of a path pattern, as described above. */
bool fk_glob_match(const char *pattern, const char *path);

/* Parse json (an object, or NULL for "match everything") into m. path is the JSON path used
 * in messages ("faults[0].match"). On error m is left empty. */
int fk_match_parse(const cJSON *json, const char *path, struct fk_match *m,
                   struct fk_error *err) FK_MUST_CHECK;
void fk_match_cleanup(struct fk_match *m);
bool fk_match_test(const struct fk_match *m, const struct fk_req *req);
/* The matcher as JSON, as it was given (NULL on ENOMEM). */
cJSON *fk_match_json(const struct fk_match *m);

#endif
