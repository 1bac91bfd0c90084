/* fault.c: fault rules: parsing, the ordered thread-safe set, and the per-request decision.
 *
 * Counting (docs/DESIGN.md "Fault rules"): rules are tried in order. Each rule whose matcher
 * accepts the request counts it ("matched"); it fires when matched > after, fired < times
 * and, for probability < 1 only, one fk_rand_unit() draw is below the probability, so a rule
 * of probability 1 never consumes randomness and a seeded run replays exactly. The first
 * rule that fires wins and the rules after it do not see the request at all.
 *
 * Ids: a rule without one gets "fault-N" when it is added to a set, N from the set's counter
 * (skipping ids already taken, reset by fk_faults_clear). Every parse message starts with
 * the JSON path the rule came from ("faults[1].id: duplicate id 'x'"). */
#include "fakekit/fault.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/json.h"
#include "fakekit/rand.h"

#define COUNT_MAX 1e12 /* upper bound for after (exact in a double) */

struct fk_rule {
    struct fk_item head; /* id, path, matcher: first, so the list in match.c keeps rules */
    long long after;
    long long times; /* -1: unlimited */
    double probability;
    struct fk_action action;
    uint64_t matched;
    uint64_t fired;
};

struct fk_faults {
    struct fk_item_set set;
};

static const struct {
    const char *name;
    enum fk_net net;
    bool malformed;
} net_faults[] = {
    {"reset", FK_NET_RESET, false},       {"empty", FK_NET_EMPTY, false},
    {"truncate", FK_NET_TRUNCATE, false}, {"malformed", FK_NET_NONE, true},
    {"slow", FK_NET_SLOW, false},         {"hang", FK_NET_HANG, false},
};

void fk_action_cleanup(struct fk_action *a)
{
    if (a == NULL)
        return;
    free(a->body);
    for (size_t i = 0; i < a->nheaders; i++) {
        free(a->headers[i].key);
        free(a->headers[i].value);
    }
    free(a->headers);
    free(a->error);
    memset(a, 0, sizeof(*a));
}

static int action_copy(struct fk_action *dst, const struct fk_action *src)
{
    *dst = *src;
    dst->body = NULL;
    dst->headers = NULL;
    dst->nheaders = 0;
    dst->error = NULL;
    if ((src->body != NULL && !(dst->body = strdup(src->body))) ||
        (src->error != NULL && !(dst->error = strdup(src->error))))
        goto fail;
    if (src->nheaders) {
        dst->headers = calloc(src->nheaders, sizeof(*dst->headers));
        if (dst->headers == NULL)
            goto fail;
        for (size_t i = 0; i < src->nheaders; i++) {
            dst->nheaders++;
            dst->headers[i].key = strdup(src->headers[i].key);
            dst->headers[i].value = strdup(src->headers[i].value);
            if (dst->headers[i].key == NULL || dst->headers[i].value == NULL)
                goto fail;
        }
    }
    return 0;
fail:
    fk_action_cleanup(dst);
    return FK_ENOMEM;
}

/* "body": a JSON string is sent as text; any other value is printed compactly as JSON. */
static int parse_body(const cJSON *json, struct fk_action *a, const char *path,
                      struct fk_error *err)
{
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(json, "body");
    if (body == NULL || cJSON_IsNull(body))
        return 0;
    if (cJSON_IsString(body)) {
        a->body = strdup(body->valuestring);
    } else {
        char *text = fk_json_print(body);
        a->body = text != NULL ? strdup(text) : NULL;
        cJSON_free(text);
        a->body_is_json = true;
    }
    if (a->body == NULL) {
        fk_error_set(err, "%s.body: out of memory", path);
        return FK_ENOMEM;
    }
    return 0;
}

/* RFC 9110 token characters, what a header name is made of. */
static bool is_token(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("!#$%&'*+-.^_`|~", c) != NULL))
            return false;
    }
    return true;
}

/* A header the server can send as given: libmicrohttpd drops the others without a word
 * (CR or LF in the value, an empty value, framing headers it writes itself), so they are
 * refused here, when the rule is created, with the key's path. */
static int check_header(const struct fk_pair *h, const char *path, struct fk_error *err)
{
    const char *why = NULL;

    if (!is_token(h->key))
        why = "not a valid header name";
    else if (strpbrk(h->value, "\r\n") != NULL)
        why = "header values must not contain CR or LF";
    else if (h->value[0] == '\0')
        why = "empty header values are not sent";
    else if (strcasecmp(h->key, "Content-Length") == 0 ||
             strcasecmp(h->key, "Transfer-Encoding") == 0)
        why = "the server writes this header itself";
    if (why == NULL)
        return 0;
    fk_error_set(err, "%s.headers.%s: %s", path, h->key, why);
    return FK_EINVAL;
}

static int parse_headers(const cJSON *json, struct fk_action *a, const char *path,
                         struct fk_error *err)
{
    struct fk_match m;
    cJSON *wrap = NULL;
    int rc;
    const cJSON *h = NULL;

    rc = fk_json_get_object(json, "headers", path, false, &h, err);
    if (rc != 0 || h == NULL)
        return rc;
    /* The matcher's "headers" parser already checks an object of strings: reuse it on a
     * copy wrapped as {"headers": ...} and move its pairs out. */
    wrap = cJSON_CreateObject();
    if (wrap == NULL || !cJSON_AddItemReferenceToObject(wrap, "headers", (cJSON *)h)) {
        cJSON_Delete(wrap);
        fk_error_set(err, "%s.headers: out of memory", path);
        return FK_ENOMEM;
    }
    rc = fk_match_parse(wrap, path, &m, err);
    cJSON_Delete(wrap);
    if (rc != 0)
        return rc;
    a->headers = m.headers;
    a->nheaders = m.nheaders;
    m.headers = NULL;
    m.nheaders = 0;
    fk_match_cleanup(&m);
    size_t total = 0;
    for (size_t i = 0; rc == 0 && i < a->nheaders; i++) {
        rc = check_header(&a->headers[i], path, err);
        total += strlen(a->headers[i].key) + strlen(a->headers[i].value) + 4;
    }
    if (rc == 0 && total > FK_RULE_HEADERS_MAX) {
        /* they must fit the connection's pool beside the request (limits.h) */
        fk_error_set(err, "%s.headers: %zu bytes of headers, at most %d", path, total,
                     FK_RULE_HEADERS_MAX);
        rc = FK_EINVAL;
    }
    return rc;
}

static int parse_fault(const cJSON *json, struct fk_action *a, const char *path,
                       struct fk_error *err)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(json, "fault");
    const char *name = NULL;
    int rc;

    if (f == NULL || cJSON_IsNull(f))
        return 0;
    rc = fk_json_get_string(json, "fault", path, true, &name, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < FK_NELEM(net_faults); i++) {
        if (strcmp(name, net_faults[i].name) == 0) {
            a->fault = net_faults[i].net;
            a->malformed = net_faults[i].malformed;
            return 0;
        }
    }
    fk_error_set(err,
                 "%s.fault: unknown fault '%s' (expected reset, empty, truncate, malformed, "
                 "slow or hang)",
                 path, name);
    return FK_EINVAL;
}

static int parse_action(const cJSON *json, const char *path, const struct fk_error_check *check,
                        struct fk_action *a, struct fk_error *err)
{
    static const char *const keys[] = {"status",    "body",  "headers",      "error", "delay_ms",
                                       "jitter_ms", "fault", "after_effect", NULL};
    long long status = 0, delay = 0, jitter = 0;
    const char *error = NULL;
    int rc;

    memset(a, 0, sizeof(*a));
    rc = fk_json_check_keys(json, path, keys, err);
    if (rc == 0)
        rc = fk_json_get_int(json, "status", path, false, 100, 599, &status, err);
    if (rc == 0)
        rc = fk_json_get_int(json, "delay_ms", path, false, 0, FK_DELAY_MAX_MS, &delay, err);
    if (rc == 0)
        rc = fk_json_get_int(json, "jitter_ms", path, false, 0, FK_DELAY_MAX_MS, &jitter, err);
    if (rc == 0)
        rc = fk_json_get_bool(json, "after_effect", path, false, &a->after_effect, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "error", path, false, &error, err);
    if (rc == 0 && error != NULL && check != NULL && check->fn(check->ctx, error) != 0) {
        fk_error_set(err, "%s.error: unknown error code '%s' for this service", path, error);
        rc = FK_EINVAL;
    }
    if (rc == 0 && error != NULL && !(a->error = strdup(error))) {
        fk_error_set(err, "%s.error: out of memory", path);
        rc = FK_ENOMEM;
    }
    if (rc == 0)
        rc = parse_fault(json, a, path, err);
    if (rc == 0)
        rc = parse_body(json, a, path, err);
    if (rc == 0)
        rc = parse_headers(json, a, path, err);
    if (rc == 0) {
        a->status = (int)status;
        a->delay_ms = (long)delay;
        a->jitter_ms = (long)jitter;
        if (!a->status && a->body == NULL && a->error == NULL && !a->delay_ms && !a->jitter_ms &&
            a->fault == FK_NET_NONE && !a->malformed && !a->nheaders) {
            fk_error_set(err, "%s: empty action", path);
            rc = FK_EINVAL;
        }
    }
    if (rc != 0)
        fk_action_cleanup(a);
    return rc;
}

void fk_rule_free(struct fk_rule *r)
{
    if (r == NULL)
        return;
    fk_match_cleanup(&r->head.match);
    fk_action_cleanup(&r->action);
    free(r);
}

const char *fk_rule_id(const struct fk_rule *r)
{
    return r->head.id;
}

int fk_rule_parse(const cJSON *json, const char *path, const struct fk_error_check *check,
                  struct fk_rule **out, struct fk_error *err)
{
    static const char *const keys[] = {"id",     "description",  "match",
                                       "after",  "times",        "probability",
                                       "action", "after_effect", NULL};
    char sub[FK_ERRMSG_MAX];
    const char *id = NULL;
    const char *description = NULL;
    const cJSON *match = NULL;
    const cJSON *action = NULL;
    const cJSON *times = NULL;
    bool after_effect = false;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(json)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    struct fk_rule *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        fk_error_set(err, "%s: out of memory", path);
        return FK_ENOMEM;
    }
    snprintf(r->head.path, sizeof(r->head.path), "%s", path);
    r->times = -1;
    r->probability = 1.0;
    rc = fk_json_check_keys(json, path, keys, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "id", path, false, &id, err);
    if (rc == 0 && id != NULL && (id[0] == '\0' || strlen(id) > FK_ID_MAX)) {
        fk_error_set(err, "%s.id: must be 1 to %d characters", path, FK_ID_MAX);
        rc = FK_EINVAL;
    }
    for (const char *c = id; rc == 0 && c != NULL && *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) { /* the header could not be sent */
            fk_error_set(err,
                         "%s.id: must not contain control characters (it is sent as "
                         "X-Fake-Fault)",
                         path);
            rc = FK_EINVAL;
        }
    }
    if (rc == 0)
        rc = fk_json_get_string(json, "description", path, false, &description, err);
    if (rc == 0)
        rc = fk_json_get_object(json, "match", path, false, &match, err);
    if (rc == 0) {
        snprintf(sub, sizeof(sub), "%s.match", path);
        rc = fk_match_parse(match, sub, &r->head.match, err);
    }
    if (rc == 0)
        rc = fk_json_get_int(json, "after", path, false, 0, (long long)COUNT_MAX, &r->after, err);
    times = cJSON_GetObjectItemCaseSensitive(json, "times");
    if (rc == 0 && times != NULL && !cJSON_IsNull(times))
        rc = fk_json_get_int(json, "times", path, true, 1, (long long)COUNT_MAX, &r->times, err);
    if (rc == 0)
        rc = fk_json_get_number(json, "probability", path, false, 0.0, 1.0, &r->probability, err);
    if (rc == 0)
        rc = fk_json_get_bool(json, "after_effect", path, false, &after_effect, err);
    if (rc == 0)
        rc = fk_json_get_object(json, "action", path, true, &action, err);
    if (rc == 0) {
        snprintf(sub, sizeof(sub), "%s.action", path);
        rc = parse_action(action, sub, check, &r->action, err);
    }
    if (rc != 0) {
        fk_rule_free(r);
        return rc;
    }
    r->action.after_effect = r->action.after_effect || after_effect;
    if (id != NULL)
        snprintf(r->head.id, sizeof(r->head.id), "%s", id);
    r->head.auto_id = id == NULL;
    r->head.bytes = fk_item_weight(json);
    *out = r;
    return 0;
}

static cJSON *action_json(const struct fk_action *a)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *item = NULL;
    const char *fault = NULL;

    if (obj == NULL)
        return NULL;
    if (a->status && !cJSON_AddNumberToObject(obj, "status", a->status))
        goto fail;
    if (a->body != NULL) {
        item = a->body_is_json ? cJSON_Parse(a->body) : cJSON_CreateString(a->body);
        if (item == NULL || !cJSON_AddItemToObject(obj, "body", item)) {
            cJSON_Delete(item);
            goto fail;
        }
    }
    if (a->nheaders) {
        item = cJSON_CreateObject();
        for (size_t i = 0; item != NULL && i < a->nheaders; i++) {
            if (!cJSON_AddStringToObject(item, a->headers[i].key, a->headers[i].value)) {
                cJSON_Delete(item);
                item = NULL;
            }
        }
        if (item == NULL || !cJSON_AddItemToObject(obj, "headers", item)) {
            cJSON_Delete(item);
            goto fail;
        }
    }
    if (a->error != NULL && !cJSON_AddStringToObject(obj, "error", a->error))
        goto fail;
    for (size_t i = 0; i < FK_NELEM(net_faults); i++)
        if (a->fault == net_faults[i].net && a->malformed == net_faults[i].malformed &&
            (a->fault != FK_NET_NONE || a->malformed))
            fault = net_faults[i].name;
    if (!cJSON_AddNumberToObject(obj, "delay_ms", (double)a->delay_ms) ||
        !cJSON_AddNumberToObject(obj, "jitter_ms", (double)a->jitter_ms) ||
        fk_json_add_string_or_null(obj, "fault", fault) != 0 ||
        !cJSON_AddBoolToObject(obj, "after_effect", a->after_effect))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *rule_json(const struct fk_rule *r)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *m = NULL;
    cJSON *a = NULL;

    if (obj == NULL || !cJSON_AddStringToObject(obj, "id", r->head.id))
        goto fail;
    m = fk_match_json(&r->head.match);
    if (m == NULL || !cJSON_AddItemToObject(obj, "match", m)) {
        cJSON_Delete(m);
        goto fail;
    }
    if (!cJSON_AddNumberToObject(obj, "after", (double)r->after) ||
        !(r->times < 0 ? cJSON_AddNullToObject(obj, "times")
                       : cJSON_AddNumberToObject(obj, "times", (double)r->times)) ||
        !cJSON_AddNumberToObject(obj, "probability", r->probability))
        goto fail;
    a = action_json(&r->action);
    if (a == NULL || !cJSON_AddItemToObject(obj, "action", a)) {
        cJSON_Delete(a);
        goto fail;
    }
    if (!cJSON_AddNumberToObject(obj, "matched", (double)r->matched) ||
        !cJSON_AddNumberToObject(obj, "fired", (double)r->fired))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

static int parse_item(const cJSON *json, const char *path, void *ctx, struct fk_item **out,
                      struct fk_error *err)
{
    return fk_rule_parse(json, path, ctx, (struct fk_rule **)out, err);
}

static void free_item(struct fk_item *item)
{
    fk_rule_free((struct fk_rule *)item);
}

static cJSON *item_json(const struct fk_item *item)
{
    return rule_json((const struct fk_rule *)item);
}

static const struct fk_item_kind rule_kind = {"fault", "fault rules", parse_item, free_item,
                                              item_json};

struct fk_faults *fk_faults_new(void)
{
    struct fk_faults *f = calloc(1, sizeof(*f));
    if (f != NULL && fk_item_set_init(&f->set, &rule_kind) != 0) {
        free(f);
        f = NULL;
    }
    return f;
}

void fk_faults_free(struct fk_faults *f)
{
    if (f != NULL) {
        fk_item_set_destroy(&f->set);
        free(f);
    }
}

int fk_faults_add(struct fk_faults *f, struct fk_rule **rules, size_t n, struct fk_error *err)
{
    return fk_item_set_add(&f->set, (struct fk_item **)rules, n, NULL, err);
}

int fk_faults_add_json(struct fk_faults *f, const cJSON *json, const char *path,
                       const struct fk_error_check *check, cJSON **added, struct fk_error *err)
{
    /* parse_item gets check back as its ctx; the item set never changes it. */
    return fk_item_set_add_json(&f->set, json, path, (void *)check, added, err);
}

int fk_faults_remove(struct fk_faults *f, const char *id)
{
    return fk_item_set_remove(&f->set, id);
}

void fk_faults_clear(struct fk_faults *f)
{
    fk_item_set_clear(&f->set);
}

size_t fk_faults_count(struct fk_faults *f)
{
    return fk_item_set_count(&f->set);
}

cJSON *fk_faults_json(struct fk_faults *f)
{
    return fk_item_set_json(&f->set);
}

bool fk_faults_decide(struct fk_faults *f, const struct fk_req *req, struct fk_action *out,
                      char *id, size_t idlen)
{
    struct fk_items_iter it;
    bool fired = false;

    memset(out, 0, sizeof(*out));
    if (id != NULL && idlen)
        id[0] = '\0';
    /* No rules (the usual case): no lock. A rule added meanwhile is as good as one added
     * just after this request. */
    if (fk_item_set_count(&f->set) == 0)
        return false;
    pthread_mutex_lock(&f->set.mu);
    /* Only the rules whose matcher accepts req, in order: the others would neither count
     * nor draw, so skipping them untested changes nothing. */
    fk_items_iter_start(&it, &f->set.list, req);
    for (struct fk_item *item; (item = fk_items_iter_next(&it)) != NULL;) {
        struct fk_rule *r = (struct fk_rule *)item;
        r->matched++;
        if (r->matched <= (uint64_t)r->after || (r->times >= 0 && r->fired >= (uint64_t)r->times))
            continue;
        /* fk_rand has its own lock and never calls back here, so the order is fixed. */
        if (r->probability < 1.0 && !(fk_rand_unit() < r->probability))
            continue;
        if (action_copy(out, &r->action) != 0)
            break; /* out of memory: answer normally rather than half a fault */
        r->fired++;
        if (id != NULL && idlen)
            snprintf(id, idlen, "%s", r->head.id);
        fired = true;
        break;
    }
    pthread_mutex_unlock(&f->set.mu);
    return fired;
}

void fk_action_timing(const struct fk_action *a, long *delay_ms, long *slow_ms)
{
    long d = a->delay_ms + (a->jitter_ms > 0 ? (long)fk_rand_below((uint64_t)a->jitter_ms + 1) : 0);

    *delay_ms = d;
    *slow_ms = 0;
    if (a->fault == FK_NET_SLOW) {
        *slow_ms = d > 0 ? d : 1000;
        *delay_ms = 0;
    }
}
