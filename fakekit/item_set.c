/* item_set.c: a rule list with its lock, shared by fault rules and rate limits (match.h).
 *
 * The list itself (items.c) has no lock; this file is the one place that takes it around
 * each change and keeps count in step with the list, so a request can skip the lock while
 * there are no items. */
#include "fakekit/match.h"

#include <stdlib.h>
#include <string.h>

int fk_item_set_init(struct fk_item_set *s, const struct fk_item_kind *kind)
{
    s->kind = kind;
    memset(&s->list, 0, sizeof(s->list));
    atomic_init(&s->count, 0);
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
    pthread_mutex_lock(&s->mu);
    int rc = fk_items_add(s->kind, &s->list, items, n, added, err);
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
