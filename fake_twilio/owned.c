/* owned.c: the in-memory set of owned inventory numbers (see owned.h).
 *
 * A flag per inventory index: the inventory is fixed at start, so the flags never grow, and
 * the search reads them by the index it walks with. A rebuild reads every phone_number of the
 * table once and finds each in the inventory by binary search. */
#include "fake_twilio/owned.h"

#include <stdlib.h>
#include <string.h>

struct twilio_owned {
    const struct twilio_inventory *inv;
    unsigned char *flag; /* one per inventory index */
    size_t n, count;
    uint64_t version, rebuilds; /* the store's data version the flags were read at */
    bool valid;                 /* flags agree with the table as of version */
};

struct twilio_owned *twilio_owned_new(const struct twilio_inventory *inv)
{
    struct twilio_owned *o = calloc(1, sizeof *o);

    if (o == NULL)
        return NULL;
    o->inv = inv;
    o->n = twilio_inventory_count(inv);
    if ((o->flag = calloc(o->n + 1, 1)) == NULL) {
        free(o);
        return NULL;
    }
    return o;
}

void twilio_owned_free(struct twilio_owned *o)
{
    if (o == NULL)
        return;
    free(o->flag);
    free(o);
}

/* The inventory index of phone, or n when the inventory does not hold it. */
static size_t index_of(const struct twilio_owned *o, const char *phone)
{
    const struct twilio_number *num = phone != NULL ? twilio_inventory_find(o->inv, phone) : NULL;

    return num != NULL && o->n > 0 ? (size_t)(num - twilio_inventory_at(o->inv, 0)) : o->n;
}

static int rebuild(struct twilio_owned *o, struct fk_store *st)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT phone_number FROM incoming_phone_numbers");
    int r;

    o->valid = false;
    o->rebuilds++;
    if (s == NULL)
        return FK_EIO;
    memset(o->flag, 0, o->n);
    o->count = 0;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        size_t i = index_of(o, (const char *)sqlite3_column_text(s, 0));
        if (i < o->n && !o->flag[i]) {
            o->flag[i] = 1;
            o->count++;
        }
    }
    sqlite3_reset(s);
    return r == SQLITE_DONE ? 0 : FK_EIO;
}

int twilio_owned_sync(struct twilio_owned *o, struct fk_store *st)
{
    uint64_t version = fk_store_data_version(st);
    int rc;

    if (o->valid && o->version == version)
        return 0;
    if ((rc = rebuild(o, st)) != 0)
        return rc;
    o->version = version;
    o->valid = true;
    return 0;
}

bool twilio_owned_at(const struct twilio_owned *o, size_t i)
{
    return o->flag[i] != 0;
}

size_t twilio_owned_count(const struct twilio_owned *o)
{
    return o->count;
}

uint64_t twilio_owned_rebuilds(const struct twilio_owned *o)
{
    return o->rebuilds;
}
