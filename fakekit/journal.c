/* journal.c: the ring of recorded exchanges behind GET /__admin/requests.
 *
 * Each entry is one allocation (the struct, its header array and every string), built
 * before the lock is taken and freed after it is released, so the lock only guards the
 * ring's indices. seq numbers come from one process-wide counter that clear() never resets:
 * a client polling with ?since=N never sees a number twice. Unless the journal keeps secrets
 * (--journal-secrets), an entry is made from fk_redact_req's copy of the request, so no
 * credential is ever stored. */
#include "fakekit/journal.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/clock.h"
#include "fakekit/json.h"
#include "fakekit/match.h"
#include "fakekit/redact.h"

struct entry {
    uint64_t seq;
    int64_t time_us;
    int64_t duration_us;
    unsigned status;
    bool rate_limited;
    const char *method;
    const char *path;
    const char *query;
    const char *fault; /* NULL: no rule fired */
    const char *body;  /* NUL-terminated copy of the first body_len bytes */
    size_t body_len;
    struct fk_kv *headers;
    size_t nheaders;
    /* the header array and the strings follow in the same allocation */
};

struct fk_journal {
    bool keep_secrets; /* set before serving starts; false: entries are redacted (redact.h) */
    bool (*redact_body)(const struct fk_req *req, char *body, size_t len); /* or NULL */
    pthread_mutex_t mu;
    struct entry **ring; /* NULL when cap is 0: nothing is kept */
    size_t cap;
    size_t head; /* index of the oldest entry */
    size_t n;
};

static atomic_uint_fast64_t journal_seq;

struct fk_journal *fk_journal_new(size_t cap)
{
    struct fk_journal *j = calloc(1, sizeof(*j));
    if (j == NULL)
        return NULL;
    j->cap = cap;
    if ((cap && !(j->ring = calloc(cap, sizeof(*j->ring)))) ||
        pthread_mutex_init(&j->mu, NULL) != 0) {
        free(j->ring);
        free(j);
        return NULL;
    }
    return j;
}

void fk_journal_keep_secrets(struct fk_journal *j, bool keep)
{
    j->keep_secrets = keep;
}

void fk_journal_redact_body(struct fk_journal *j,
                            bool (*fn)(const struct fk_req *req, char *body, size_t len))
{
    j->redact_body = fn;
}

/* A copy of the body rd kept as sent, masked by the service (NULL when it had nothing to
 * hide, or on ENOMEM: then *oom). rd's body then points at it. */
static char *service_masked(const struct fk_journal *j, const struct fk_req *req,
                            struct fk_redacted *rd, bool *oom)
{
    size_t n = req->body_len < FK_JOURNAL_BODY_MAX ? req->body_len : FK_JOURNAL_BODY_MAX;
    char *copy;

    if (j->redact_body == NULL || req->body == NULL || n == 0 || rd->req.body != req->body)
        return NULL; /* nothing, or redact.c rewrote it as JSON or a form already */
    if ((copy = malloc(n + 1)) == NULL) {
        *oom = true;
        return NULL;
    }
    memcpy(copy, req->body, n);
    copy[n] = '\0';
    if (!j->redact_body(req, copy, n)) {
        free(copy);
        return NULL;
    }
    rd->req.body = copy;
    rd->req.body_len = n;
    return copy;
}

static void drop_all(struct fk_journal *j)
{
    for (size_t i = 0; i < j->n; i++)
        free(j->ring[(j->head + i) % j->cap]);
    j->head = 0;
    j->n = 0;
}

void fk_journal_free(struct fk_journal *j)
{
    if (j == NULL)
        return;
    drop_all(j);
    free(j->ring);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Copy s (len bytes) to *cursor, NUL-terminate, advance; returns the copy. */
static const char *pack(char **cursor, const char *s, size_t len)
{
    char *out = *cursor;
    memcpy(out, s, len);
    out[len] = '\0';
    *cursor += len + 1;
    return out;
}

static struct entry *entry_new(const struct fk_req *req, unsigned status, const char *fault,
                               bool rate_limited, int64_t time_us, int64_t duration_us)
{
    const char *method = str_or_empty(req->method);
    const char *path = str_or_empty(req->path);
    const char *query = str_or_empty(req->query);
    size_t body_len = req->body != NULL ? req->body_len : 0;
    size_t nheaders = req->headers != NULL ? req->nheaders : 0;
    size_t strings = strlen(method) + strlen(path) + strlen(query) + 3;

    if (body_len > FK_JOURNAL_BODY_MAX)
        body_len = FK_JOURNAL_BODY_MAX;
    strings += body_len + 1 + (fault != NULL ? strlen(fault) + 1 : 0);
    for (size_t i = 0; i < nheaders; i++) {
        strings += strlen(str_or_empty(req->headers[i].key)) +
                   strlen(str_or_empty(req->headers[i].value)) + 2;
    }
    _Static_assert(sizeof(struct entry) % alignof(struct fk_kv) == 0, "header array alignment");
    struct entry *e = malloc(sizeof(*e) + nheaders * sizeof(struct fk_kv) + strings);
    if (e == NULL)
        return NULL;
    char *cursor = (char *)(e + 1) + nheaders * sizeof(struct fk_kv);
    e->seq = 0;
    e->time_us = time_us;
    e->duration_us = duration_us;
    e->status = status;
    e->rate_limited = rate_limited;
    e->method = pack(&cursor, method, strlen(method));
    e->path = pack(&cursor, path, strlen(path));
    e->query = pack(&cursor, query, strlen(query));
    e->fault = fault != NULL ? pack(&cursor, fault, strlen(fault)) : NULL;
    e->body = pack(&cursor, req->body != NULL ? req->body : "", body_len);
    e->body_len = body_len;
    e->headers = (struct fk_kv *)(e + 1);
    e->nheaders = nheaders;
    for (size_t i = 0; i < nheaders; i++) {
        const char *k = str_or_empty(req->headers[i].key);
        const char *v = str_or_empty(req->headers[i].value);
        e->headers[i].key = pack(&cursor, k, strlen(k));
        e->headers[i].value = pack(&cursor, v, strlen(v));
    }
    return e;
}

uint64_t fk_journal_add(struct fk_journal *j, const struct fk_req *req, unsigned status,
                        const char *fault, bool rate_limited, int64_t time_us, int64_t duration_us)
{
    struct entry *e = NULL;
    struct entry *dropped = NULL;
    uint64_t seq;

    if (j->cap) {
        struct fk_redacted rd;
        char *masked = NULL;
        bool oom = false;
        if (!j->keep_secrets && fk_redact_req(req, FK_JOURNAL_BODY_MAX, &rd) != 0)
            return 0; /* out of memory: the exchange goes unrecorded */
        if (!j->keep_secrets && (masked = service_masked(j, req, &rd, &oom)) == NULL && oom) {
            fk_redact_req_free(&rd);
            return 0;
        }
        e = entry_new(j->keep_secrets ? req : &rd.req, status, fault, rate_limited, time_us,
                      duration_us);
        if (!j->keep_secrets)
            fk_redact_req_free(&rd);
        free(masked);
        if (e == NULL)
            return 0;
    }
    pthread_mutex_lock(&j->mu);
    /* Taken under the lock so that ring order and seq order agree. */
    seq = (uint64_t)atomic_fetch_add(&journal_seq, 1) + 1;
    if (e != NULL) {
        e->seq = seq;
        if (j->n == j->cap) {
            dropped = j->ring[j->head];
            j->ring[j->head] = e;
            j->head = (j->head + 1) % j->cap;
        } else {
            j->ring[(j->head + j->n) % j->cap] = e;
            j->n++;
        }
    }
    pthread_mutex_unlock(&j->mu);
    free(dropped);
    return seq;
}

static bool entry_matches(const struct entry *e, const struct fk_journal_filter *f)
{
    if (f == NULL)
        return true;
    return e->seq > f->since && (f->method == NULL || strcasecmp(f->method, e->method) == 0) &&
           (f->path == NULL || fk_glob_match(f->path, e->path)) &&
           (!f->status || (unsigned)f->status == e->status);
}

static cJSON *entry_json(const struct entry *e)
{
    char time[40];
    cJSON *obj = cJSON_CreateObject();
    cJSON *headers = NULL;

    if (obj == NULL)
        return NULL;
    fk_rfc3339_us(e->time_us, time, sizeof(time));
    if (!cJSON_AddNumberToObject(obj, "seq", (double)e->seq) ||
        !cJSON_AddStringToObject(obj, "time", time) ||
        !cJSON_AddStringToObject(obj, "method", e->method) ||
        !cJSON_AddStringToObject(obj, "path", e->path) ||
        !cJSON_AddStringToObject(obj, "query", e->query))
        goto fail;
    headers = cJSON_AddObjectToObject(obj, "headers");
    if (headers == NULL)
        goto fail;
    for (size_t i = 0; i < e->nheaders; i++) {
        /* A repeated name (any case) keeps its first place and its last value. */
        cJSON *v = cJSON_CreateString(e->headers[i].value);
        bool ok = v != NULL && (cJSON_GetObjectItem(headers, e->headers[i].key)
                                    ? cJSON_ReplaceItemInObject(headers, e->headers[i].key, v)
                                    : cJSON_AddItemToObject(headers, e->headers[i].key, v));
        if (!ok) {
            cJSON_Delete(v);
            goto fail;
        }
    }
    if (!cJSON_AddStringToObject(obj, "body", e->body) ||
        !cJSON_AddNumberToObject(obj, "status", e->status) ||
        fk_json_add_string_or_null(obj, "fault", e->fault) != 0 ||
        !cJSON_AddBoolToObject(obj, "rate_limited", e->rate_limited) ||
        !cJSON_AddNumberToObject(obj, "duration_us", (double)e->duration_us))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

cJSON *fk_journal_query(struct fk_journal *j, const struct fk_journal_filter *f)
{
    cJSON *arr = cJSON_CreateArray();
    size_t taken = 0;

    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; arr != NULL && i < j->n; i++) {
        const struct entry *e = j->ring[(j->head + i) % j->cap];
        if (!entry_matches(e, f))
            continue;
        if (f != NULL && f->limit && taken == f->limit)
            break;
        cJSON *item = entry_json(e);
        if (item == NULL || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            cJSON_Delete(arr);
            arr = NULL;
        }
        taken++;
    }
    pthread_mutex_unlock(&j->mu);
    return arr;
}

size_t fk_journal_count(struct fk_journal *j, const struct fk_journal_filter *f)
{
    size_t count = 0;

    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; i < j->n; i++) {
        if (f != NULL && f->limit && count == f->limit)
            break;
        if (entry_matches(j->ring[(j->head + i) % j->cap], f))
            count++;
    }
    pthread_mutex_unlock(&j->mu);
    return count;
}

void fk_journal_clear(struct fk_journal *j)
{
    struct entry **old = NULL;
    size_t n;
    size_t head;

    /* Swap in an empty ring under the lock; free the old entries after releasing it. */
    old = j->cap ? calloc(j->cap, sizeof(*old)) : NULL;
    pthread_mutex_lock(&j->mu);
    if (old == NULL) {
        drop_all(j); /* no memory for a new ring (or nothing kept): free in place */
        pthread_mutex_unlock(&j->mu);
        return;
    }
    struct entry **ring = j->ring;
    j->ring = old;
    n = j->n;
    head = j->head;
    j->n = 0;
    j->head = 0;
    pthread_mutex_unlock(&j->mu);
    for (size_t i = 0; i < n; i++)
        free(ring[(head + i) % j->cap]);
    free(ring);
}
