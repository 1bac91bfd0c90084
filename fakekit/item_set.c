/* item_set.c: a rule list with its lock, shared by fault rules and rate limits (match.h).
 *
 * The list itself (items.c) has no lock; this file is the one place that takes it around
 * each change and keeps count in step with the list, so a request can skip the lock while
 * there are no items. It also keeps the set's total weight under FK_RULES_BYTES_MAX: the
 * count limit alone let 300 rules of a 1 MB body_contains each take 300 MB. */
#include "fakekit/match.h"

#include <stdlib.h>
#include <string.h>

size_t fk_item_weight(const cJSON *json)
{
    size_t w = 8 + (json->string != NULL ? strlen(json->string) : 0);

    if (cJSON_IsString(json) && json->valuestring != NULL)
        w += strlen(json->valuestring);
    for (const cJSON *c = json->child; c != NULL; c = c->next)
        w += fk_item_weight(c); /* as deep as cJSON's nesting limit lets a document be */
    return w;
}

int fk_item_set_init(struct fk_item_set *s, const struct fk_item_kind *kind)
{
    s->kind = kind;
    memset(&s->list, 0, sizeof(s->list));
    atomic_init(&s->count, 0);
    s->bytes = 0;
    return pthread_mutex_init(&s->mu, NULL) == 0 ? 0 : FK_ENOMEM;
}

void fk_item_set_destroy(struct fk_item_set *s)
{
    fk_items_clear(s->kind, &s->list);
    pthread_mutex_destroy(&s->mu);
}

int fk_item_set_add(struct fk_item_set *s, struct fk_item **items, size_t n, cJSON **added,
                    struct fk_error *err)
{
    size_t bytes = 0;
    int rc;

    for (size_t i = 0; i < n; i++)
        bytes += items[i]->bytes;
    pthread_mutex_lock(&s->mu);
    if (n > 0 && bytes > FK_RULES_BYTES_MAX - s->bytes) {
        fk_error_set(err, "%s: %s too large: %zu bytes more on %zu loaded (at most %d)",
                     items[0]->path, s->kind->what, bytes, s->bytes, FK_RULES_BYTES_MAX);
        if (added != NULL)
            *added = NULL;
        rc = FK_ERANGE;
    } else if ((rc = fk_items_add(s->kind, &s->list, items, n, added, err)) == 0) {
        s->bytes += bytes;
    }
    atomic_store(&s->count, s->list.n);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int fk_item_set_add_json(struct fk_item_set *s, const cJSON *json, const char *path, void *ctx,
                         cJSON **added, struct fk_error *err)
{
    struct fk_item **items = NULL;
    size_t n = 0;
    int rc;

    if (added != NULL)
        *added = NULL;
    rc = fk_items_parse(s->kind, json, path, ctx, &items, &n, err);
    if (rc != 0)
        return rc;
    rc = fk_item_set_add(s, items, n, added, err);
    for (size_t i = 0; rc != 0 && i < n; i++)
        s->kind->free(items[i]);
    free(items);
    return rc;
}

int fk_item_set_remove(struct fk_item_set *s, const char *id)
{
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->list.n; i++)
        if (strcmp(s->list.v[i]->id, id) == 0)
            s->bytes -= s->list.v[i]->bytes;
    int rc = fk_items_remove(s->kind, &s->list, id);
    atomic_store(&s->count, s->list.n);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void fk_item_set_clear(struct fk_item_set *s)
{
    pthread_mutex_lock(&s->mu);
    fk_items_clear(s->kind, &s->list);
    atomic_store(&s->count, 0);
    s->bytes = 0;
    pthread_mutex_unlock(&s->mu);
}

size_t fk_item_set_count(struct fk_item_set *s)
{
    return atomic_load_explicit(&s->count, memory_order_acquire);
}

cJSON *fk_item_set_json(struct fk_item_set *s)
{
    pthread_mutex_lock(&s->mu);
    cJSON *arr = fk_items_json(s->kind, &s->list);
    pthread_mutex_unlock(&s->mu);
    return arr;
}
