/* ratelimit.h: keyed token buckets (docs/DESIGN.md "Rate limits").
 *
 * {"id":"search","match":{...},"limit":5,"per_ms":1000,"key":"global|credential|client",
 *  "retry_after_s":1}: each key gets a bucket of `limit` tokens refilled continuously at
 * limit/per_ms; a request that finds its bucket empty is refused. Every limit whose matcher
 * holds is charged; the first empty one refuses. Thread-safe. */
#ifndef FK_RATELIMIT_H
#define FK_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/http.h"

struct fk_limit;
struct fk_limits;

int fk_limit_parse(const cJSON *json, const char *path, struct fk_limit **out,
                   struct fk_error *err) FK_MUST_CHECK;
void fk_limit_free(struct fk_limit *l);

struct fk_limits *fk_limits_new(void);
void fk_limits_free(struct fk_limits *ls);
/* As fk_faults_add_json: one object or an array, all or none. */
int fk_limits_add_json(struct fk_limits *ls, const cJSON *json, const char *path, cJSON **added,
                       struct fk_error *err) FK_MUST_CHECK;
int fk_limits_add(struct fk_limits *ls, struct fk_limit **limits, size_t n,
                  struct fk_error *err) FK_MUST_CHECK;
int fk_limits_remove(struct fk_limits *ls, const char *id); /* 0 or FK_ENOTFOUND */
void fk_limits_clear(struct fk_limits *ls);
cJSON *fk_limits_json(struct fk_limits *ls);

/* True when at least one limit is loaded (no lock taken): a caller may skip working out the
 * bucket keys of a request that no limit can refuse. */
bool fk_limits_active(struct fk_limits *ls);
/* Charge req at time now_us. credential and client are the bucket keys for those modes.
 * FK_OK when admitted; FK_ERANGE when a limit refused it, with *retry_after_s and id (idlen
 * bytes) set. The caller answers the refusal (run.c: the service's native 429). */
int fk_limits_check(struct fk_limits *ls, const struct fk_req *req, const char *credential,
                    const char *client, int64_t now_us, long *retry_after_s, char *id,
                    size_t idlen) FK_MUST_CHECK;

#endif
