/* fault.h: scripted fault rules (docs/DESIGN.md "Fault rules").
 *
 * A rule is a matcher, counters (after, times), a probability and an action: an injected
 * status/body/headers, a native error shorthand, a delay with jitter, a network fault, and
 * after_effect (run the normal handler first, then replace or break its answer).
 * Rules are tried in the order added; the first that fires wins. The set is thread-safe.
 *
 * Counting: every rule the request reaches whose matcher accepts it counts it ("matched");
 * it fires when matched > after, fired < times, and (only when probability < 1, so that
 * probability 1 draws no randomness) one fk_rand_unit() draw is below probability. Firing
 * counts "fired" and ends the search: later rules do not see the request at all.
 * Ids: a rule parsed without one has id "" until a set names it "fault-N" (N counts on per
 * set, skipping ids in use; fk_faults_clear restarts it).
 *
 * The rules layer (with ratelimit.h and journal.h): called by run.c (deciding, per request)
 * and admin.c/scenario.c (loading); calls match.c, items.c and the kit's base. Returns 0 or
 * a negative fk_err. Where a fault's result lives: fk_faults_decide copies the action out;
 * run.c turns it into struct fk_reply (the answer, delay_ms/slow_ms from fk_action_timing,
 * net, fault_id), which done() journals. */
#ifndef FK_FAULT_H
#define FK_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/match.h"
#include "fakekit/server.h"

/* Checks an "error" shorthand against the running service (struct fk_service.error): fn
 * returns 0 when code is known, else FK_EINVAL; ctx is passed to it (the kit passes its
 * struct fk_app, app.h). */
typedef int (*fk_error_check_fn)(void *ctx, const char *code);
struct fk_error_check {
    fk_error_check_fn fn;
    void *ctx;
};

struct fk_action {
    int status;        /* 0: keep the normal status */
    char *body;        /* injected body text, NULL: none */
    bool body_is_json; /* body came as a JSON value (Content-Type application/json) */
    struct fk_pair *headers;
    size_t nheaders;
    char *error; /* native error shorthand, NULL: none */
    long delay_ms;
    long jitter_ms;
    enum fk_net fault; /* FK_NET_NONE, or a network fault */
    bool malformed;    /* "fault": "malformed": 200 with a body that is not JSON */
    bool after_effect;
};

struct fk_rule;
struct fk_faults;

/* Parse one rule. A missing id gets "fault-N". check validates "error" (may be NULL).
 * On success *out is a new rule the caller adds or frees. */
int fk_rule_parse(const cJSON *json, const char *path, const struct fk_error_check *check,
                  struct fk_rule **out, struct fk_error *err) FK_MUST_CHECK;
void fk_rule_free(struct fk_rule *r);
const char *fk_rule_id(const struct fk_rule *r);

struct fk_faults *fk_faults_new(void); /* NULL on ENOMEM */
void fk_faults_free(struct fk_faults *f);
/* Parse json (one rule object or an array of them) and add all or none: any parse error or
 * a duplicate id leaves the set unchanged. *added (may be NULL) receives the added rules as
 * JSON (caller deletes). path prefixes messages ("faults"). */
int fk_faults_add_json(struct fk_faults *f, const cJSON *json, const char *path,
                       const struct fk_error_check *check, cJSON **added,
                       struct fk_error *err) FK_MUST_CHECK;
/* Take ownership of already parsed rules (all or none; FK_EEXIST on a duplicate id, also
 * within rules, with "<rule's path>.id: duplicate id 'x'"). On failure the caller keeps
 * them. */
int fk_faults_add(struct fk_faults *f, struct fk_rule **rules, size_t n,
                  struct fk_error *err) FK_MUST_CHECK;
int fk_faults_remove(struct fk_faults *f, const char *id); /* 0 or FK_ENOTFOUND */
void fk_faults_clear(struct fk_faults *f);
size_t fk_faults_count(struct fk_faults *f);
/* Every rule with its counters ("matched", "fired") as a JSON array; NULL on ENOMEM. */
cJSON *fk_faults_json(struct fk_faults *f);

/* Decide for req: count matches, honour after/times/probability, and for the first rule that
 * fires copy its action into *out (caller fk_action_cleanup()s) and its id into id
 * (idlen bytes). Returns true when a rule fired. */
bool fk_faults_decide(struct fk_faults *f, const struct fk_req *req, struct fk_action *out,
                      char *id, size_t idlen);
void fk_action_cleanup(struct fk_action *a);

/* The timing of a fired action, the one place it is decided: *delay_ms is the action's
 * delay plus a jitter drawn from the kit's generator (0 to jitter_ms), and *slow_ms 0; for
 * a slow body that time (1 s when it is 0) becomes *slow_ms, the time the body is dribbled
 * over, and *delay_ms is 0. The server carries both out (struct fk_reply). */
void fk_action_timing(const struct fk_action *a, long *delay_ms, long *slow_ms);

#endif
