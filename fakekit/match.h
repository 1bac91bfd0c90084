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

#include <pthread.h>
#include <stdatomic.h>
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
    char *method; /* NULL: any */
    char *path;   /* NULL: any */
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

/* Rule lists (items.c): what fault rules and rate limits share.
 * Both structs begin with a struct fk_item, so one ordered list with unique ids serves both.
 * The list has no lock: its owner (fault.c, ratelimit.c) holds its own around each call. */
struct fk_item {
    char id[FK_ID_MAX + 1]; /* "" until a list names it */
    bool auto_id;           /* no id was given: named "<prefix>-N" when added */
    char path[128];         /* JSON path it was parsed from ("faults[2]"), for messages */
    struct fk_match match;
    unsigned long long seq; /* place in the list (rises with every add), set when added */
    size_t bytes;           /* fk_item_weight of the JSON it was parsed from */
};

/* The size of an item's JSON as the rule-size limit counts it: the bytes of every key and
 * string, plus 8 for each value (FK_RULES_BYTES_MAX bounds their sum per set). */
size_t fk_item_weight(const cJSON *json);

struct fk_item_kind {
    const char *prefix; /* "fault": automatic ids "fault-1", "fault-2"... */
    const char *what;   /* "fault rules": "faults: too many fault rules (at most 100000)" */
    /* Parse one item at path; ctx is fk_items_parse's. */
    int (*parse)(const cJSON *json, const char *path, void *ctx, struct fk_item **out,
                 struct fk_error *err);
    void (*free)(struct fk_item *item);
    cJSON *(*json)(const struct fk_item *item); /* NULL on ENOMEM */
};

struct fk_item_index;

/* Zero-initialise. v holds the items in the order added; index (items.c) finds the few
 * whose matcher can accept a given request without testing every one. */
struct fk_items {
    struct fk_item **v;
    size_t n;
    size_t cap;
    unsigned long next_auto;     /* the last N used; fk_items_clear resets it */
    unsigned long long next_seq; /* the seq the next added item gets */
    struct fk_item_index *index; /* NULL with n > 0: out of memory, so every item is tested */
};

/* Parse one object (at path) or an array (at path[i]) into a new array *out of *n items
 * (caller frees the items with kind->free and the array with free()). All or none. */
int fk_items_parse(const struct fk_item_kind *kind, const cJSON *json, const char *path, void *ctx,
                   struct fk_item ***out, size_t *n, struct fk_error *err) FK_MUST_CHECK;
/* Append items, all or none: FK_EEXIST ("path.id: duplicate id 'x'") when an id is taken
 * in the list or earlier in the batch, FK_ERANGE past FK_RULES_MAX, FK_ENOMEM. Unnamed
 * items get "<prefix>-N", skipping ids in use. On success the list owns the items and
 * *added (may be NULL) is their JSON; on failure the caller still owns them. */
int fk_items_add(const struct fk_item_kind *kind, struct fk_items *l, struct fk_item **items,
                 size_t n, cJSON **added, struct fk_error *err) FK_MUST_CHECK;
int fk_items_remove(const struct fk_item_kind *kind, struct fk_items *l,
                    const char *id); /* 0 or FK_ENOTFOUND */
void fk_items_clear(const struct fk_item_kind *kind, struct fk_items *l);
cJSON *fk_items_json(const struct fk_item_kind *kind, const struct fk_items *l);

/* The items whose matcher accepts a request, in list order, without testing every item:
 * the index keys each item by its method and the literal start of its path pattern, and only
 * items whose key fits the request are tested (with fk_match_test, so the answer is exactly
 * that of a scan of the whole list). The iterator lives on the caller's stack and is valid
 * while the list does not change (under the owner's lock):
 *     struct fk_items_iter it;
 *     fk_items_iter_start(&it, &list, req);
 *     for (struct fk_item *item; (item = fk_items_iter_next(&it)) != NULL;) ... */
#define FK_ITEMS_ITER_LISTS 32
struct fk_items_iter {
    const struct fk_items *l;
    const struct fk_req *req;
    bool scan;   /* no index (or too many candidate lists): test every item from next */
    size_t next; /* scan mode: the next index in l->v */
    size_t nlists;
    struct {
        struct fk_item *const *v; /* candidates of one index key, in list order */
        size_t n;
        size_t pos;
    } lists[FK_ITEMS_ITER_LISTS];
};

void fk_items_iter_start(struct fk_items_iter *it, const struct fk_items *l,
                         const struct fk_req *req);
/* The next item whose matcher accepts the request, or NULL when there is none left. */
struct fk_item *fk_items_iter_next(struct fk_items_iter *it);

/* A list with its lock (item_set.c): what struct fk_faults and struct fk_limits are. Every
 * call below takes the lock itself; to walk the list (fk_items_iter_*), hold mu. count is
 * list.n, readable without the lock: no items (the usual case) costs a request no lock.
 * bytes is the sum of the items' weights, kept at most FK_RULES_BYTES_MAX. */
struct fk_item_set {
    const struct fk_item_kind *kind;
    pthread_mutex_t mu;
    struct fk_items list;
    atomic_size_t count;
    size_t bytes; /* under mu */
};

int fk_item_set_init(struct fk_item_set *s, const struct fk_item_kind *kind) FK_MUST_CHECK;
void fk_item_set_destroy(struct fk_item_set *s);
/* fk_items_add under the lock: on failure the caller still owns items. FK_ERANGE ("path:
 * fault rules too large: ...") when their weights would take the set past
 * FK_RULES_BYTES_MAX. */
int fk_item_set_add(struct fk_item_set *s, struct fk_item **items, size_t n, cJSON **added,
                    struct fk_error *err) FK_MUST_CHECK;
/* Parse json (fk_items_parse, ctx passed on) and add the items, all or none; *added (may be
 * NULL) is their JSON on success, NULL otherwise. */
int fk_item_set_add_json(struct fk_item_set *s, const cJSON *json, const char *path, void *ctx,
                         cJSON **added, struct fk_error *err) FK_MUST_CHECK;
int fk_item_set_remove(struct fk_item_set *s, const char *id); /* 0 or FK_ENOTFOUND */
void fk_item_set_clear(struct fk_item_set *s);
size_t fk_item_set_count(struct fk_item_set *s);
cJSON *fk_item_set_json(struct fk_item_set *s); /* NULL on ENOMEM */

#endif
