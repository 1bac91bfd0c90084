/* timeline.c: interleave the merged journals with the provisioner's trace.
 *
 * Trace times are milliseconds since the provisioner started (a monotonic clock), journal
 * times are wall-clock: they cannot be compared, so rows are placed by matching requests,
 * not by time. Each trace item gets an anchor, the index of the journal entry it stands
 * before; the rows are then the journal entries with each anchor's items in trace order. */
#include "fakes/timeline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

struct item {
    struct fx_row row;
    size_t anchor;
};

struct items {
    struct item *v;
    size_t n, cap;
};

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static void row_free(struct fx_row *r)
{
    free(r->service);
    free(r->method);
    free(r->path);
    free(r->query);
    free(r->fault);
    free(r->time);
    free(r->step);
    free(r->outcome);
    memset(r, 0, sizeof(*r));
}

void fx_timeline_cleanup(struct fx_timeline *t)
{
    for (size_t i = 0; i < t->n; i++)
        row_free(&t->rows[i]);
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

const char *fx_service_canon(const char *name, char *buf, size_t len)
{
    static const char *const known[] = {"twilio", "supabase", "livekit"};
    size_t i;

    if (len == 0)
        return "";
    for (i = 0; name != NULL && name[i] != '\0' && i + 1 < len; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strstr(buf, known[i]) != NULL)
            return known[i];
    }
    return buf;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The path part of what a trace logged: "http://h:1/a/b?x=1" and "/a/b?x=1" give "/a/b". */
static char *trace_path(const char *p)
{
    const char *s = strstr(p, "://");
    size_t n;

    if (s != NULL) {
        s = strchr(s + 3, '/');
        p = s != NULL ? s : "/";
    }
    n = strcspn(p, "?#");
    return strndup(p, n);
}

static int push(struct items *it, const struct fx_row *row, size_t anchor)
{
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 16;
        struct item *v = realloc(it->v, cap * sizeof(*v));
        if (v == NULL)
            return FK_ENOMEM;
        it->v = v;
        it->cap = cap;
    }
    it->v[it->n].row = *row;
    it->v[it->n].anchor = anchor;
    it->n++;
    return 0;
}

/* Index of the first unmatched entry for (service, method, path) from `from` on, else from
 * the start (a retried request may have been journaled before an earlier trace line); m->n
 * when none. */
static size_t find_entry(const struct fx_merged *m, const bool *used, size_t from,
                         const char *service, const char *method, const char *path)
{
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = pass == 0 ? from : 0; i < (pass == 0 ? m->n : from); i++) {
            const struct fx_entry *e = &m->entries[i];
            if (!used[i] && strcmp(e->service, service) == 0 &&
                strcasecmp(e->method, method) == 0 && strcmp(e->path, path) == 0)
                return i;
        }
    }
    return m->n;
}

/* A step line becomes a note: "purchase: retry (21422 on +15005550000)". */
static char *note_text(const cJSON *o)
{
    const char *step = jstr(o, "step"), *what = jstr(o, "result"), *detail = jstr(o, "detail");
    char buf[512];

    if (what == NULL)
        what = jstr(o, "outcome");
    if (what == NULL)
        what = jstr(o, "event");
    snprintf(buf, sizeof(buf), "%s%s%s%s%s", step ? step : "", step && what ? ": " : "",
             what ? what : "", detail ? " " : "", detail ? detail : "");
    return strdup(buf);
}

struct state {
    const struct fx_merged *m;
    bool *used;
    size_t cursor;
    struct items items;
    size_t pending; /* items[pending..] are notes waiting for the next anchor */
    size_t matched;
};

static void settle_pending(struct state *s, size_t anchor)
{
    for (; s->pending < s->items.n; s->pending++)
        s->items.v[s->pending].anchor = anchor;
}

static int add_trace_object(struct state *s, struct fx_timeline *t, const cJSON *o)
{
    struct fx_row row = {0};
    const char *method = jstr(o, "method"), *path = jstr(o, "path");
    char canon[64];
    size_t anchor;
    int rc = FK_ENOMEM;

    if (method != NULL && path != NULL) {
        const char *svc = fx_service_canon(jstr(o, "service"), canon, sizeof(canon));
        if ((row.path = trace_path(path)) == NULL)
            goto fail;
        anchor = find_entry(s->m, s->used, s->cursor, svc, method, row.path);
        settle_pending(s, anchor < s->m->n ? anchor : s->cursor);
        if (anchor < s->m->n) {
            /* Annotate the journal row; the trace item itself is dropped. */
            struct fx_row *r = &t->rows[anchor];
            s->used[anchor] = true;
            s->cursor = anchor + 1;
            s->matched++;
            free(row.path);
            r->step = dup_or_null(jstr(o, "step"));
            r->outcome = dup_or_null(jstr(o, "outcome"));
            r->attempt = (long)jnum(o, "attempt");
            return 0;
        }
        row.kind = FX_ROW_CLIENT;
        row.service = strdup(svc);
        row.method = strdup(method);
        row.step = dup_or_null(jstr(o, "step"));
        row.outcome = dup_or_null(jstr(o, "outcome"));
        row.attempt = (long)jnum(o, "attempt");
        row.status = (long)jnum(o, "status");
        row.ms = jnum(o, "ms");
        if (row.service == NULL || row.method == NULL || push(&s->items, &row, s->cursor) != 0)
            goto fail;
        s->pending = s->items.n;
        return 0;
    }
    if (jstr(o, "step") == NULL)
        return 0; /* neither an attempt nor a step: nothing to draw */
    row.kind = FX_ROW_NOTE;
    row.step = strdup(jstr(o, "step"));
    row.outcome = note_text(o);
    if (row.step == NULL || row.outcome == NULL || push(&s->items, &row, s->m->n) != 0)
        goto fail;
    return 0;
fail:
    row_free(&row);
    return rc;
}

static int journal_rows(struct fx_timeline *t, const struct fx_merged *m)
{
    t->rows = calloc(m->n + 1, sizeof(*t->rows));
    if (t->rows == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < m->n; i++) {
        const struct fx_entry *e = &m->entries[i];
        struct fx_row *r = &t->rows[i];
        t->n = i + 1;
        r->kind = FX_ROW_REQUEST;
        r->status = e->status;
        r->rate_limited = e->rate_limited;
        r->ms = e->duration_us / 1000.0;
        r->time_us = e->time_us;
        r->service = strdup(e->service);
        r->method = strdup(e->method);
        r->path = strdup(e->path);
        r->query = strdup(e->query);
        r->time = strdup(e->time);
        r->fault = dup_or_null(e->fault);
        if (!r->service || !r->method || !r->path || !r->query || !r->time ||
            (e->fault && !r->fault))
            return FK_ENOMEM;
    }
    return 0;
}

/* Final order: for each journal index k, the items anchored at k (in trace order), then
 * row k; items anchored at n come last. Rows move (no copies), so nothing is freed twice. */
static int assemble(struct fx_timeline *t, struct state *s)
{
    size_t total = t->n + s->items.n, out = 0;
    struct fx_row *rows = calloc(total + 1, sizeof(*rows));
    int64_t last = 0;

    if (rows == NULL)
        return FK_ENOMEM;
    for (size_t k = 0; k <= t->n; k++) {
        for (size_t i = 0; i < s->items.n; i++) {
            if (s->items.v[i].anchor == k) {
                rows[out] = s->items.v[i].row;
                rows[out++].time_us = last;
            }
        }
        if (k < t->n) {
            last = t->rows[k].time_us;
            rows[out++] = t->rows[k];
        }
    }
    free(t->rows);
    free(s->items.v);
    s->items.v = NULL;
    s->items.n = 0;
    t->rows = rows;
    t->n = out;
    return 0;
}

static int read_trace(struct state *s, struct fx_timeline *t, const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        size_t len = strcspn(p, "\n");
        cJSON *o = cJSON_ParseWithLength(p, len);
        int rc = cJSON_IsObject(o) ? add_trace_object(s, t, o) : 0;
        cJSON_Delete(o);
        if (rc != 0)
            return rc;
        p += len;
        if (*p == '\n')
            p++;
    }
    settle_pending(s, s->m->n);
    return 0;
}

int fx_timeline_build(struct fx_timeline *t, const struct fx_merged *m, const char *trace_text)
{
    struct state s = {.m = m};
    int rc;

    memset(t, 0, sizeof(*t));
    s.used = calloc(m->n + 1, sizeof(bool));
    rc = s.used == NULL ? FK_ENOMEM : journal_rows(t, m);
    if (rc == 0 && trace_text != NULL)
        rc = read_trace(&s, t, trace_text);
    if (rc == 0)
        rc = assemble(t, &s);
    t->matched = s.matched;
    for (size_t i = 0; i < s.items.n; i++)
        row_free(&s.items.v[i].row);
    free(s.items.v);
    free(s.used);
    if (rc != 0)
        fx_timeline_cleanup(t);
    return rc;
}
