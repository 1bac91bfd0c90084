/* ids.c: draw an id, look it up where such ids live, draw again while it is taken (ids.h). */
#include "fakekit/ids.h"

#include <stdio.h>
#include <string.h>

#include "fakekit/rand.h"

int fk_id_taken(struct fk_store *st, const struct fk_id_home *home, const char *id)
{
    char *sql = sqlite3_mprintf("SELECT 1 FROM \"%w\" WHERE \"%w\" = ?1 LIMIT 1", home->table,
                                home->column);
    sqlite3_stmt *s = sql != NULL ? fk_store_stmt_text(st, sql, strlen(sql)) : NULL;
    int rc;

    sqlite3_free(sql);
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : FK_EIO;
}

/* One kind of draw, its parameters, and the loop around it. */
enum draw_kind { DRAW_CHARS, DRAW_HEX, DRAW_UUID };

struct draw {
    enum draw_kind kind;
    const char *prefix;
    const char *alphabet;
    size_t n;
};

static void draw_once(const struct draw *d, char *out, size_t len)
{
    char tail[256];
    size_t n = d->n < sizeof(tail) / 2 ? d->n : sizeof(tail) / 2 - 1;

    if (d->kind == DRAW_UUID) {
        fk_rand_uuid(tail);
    } else if (d->kind == DRAW_HEX) {
        fk_rand_hex(tail, n);
    } else {
        fk_rand_chars(tail, n, d->alphabet);
    }
    snprintf(out, len, "%s%s", d->prefix, tail);
}

static int fresh(struct fk_store *st, const struct fk_id_home *home, const struct draw *d,
                 char *out, size_t len)
{
    for (int i = 0; i < FK_ID_DRAWS; i++) {
        draw_once(d, out, len);
        int taken = fk_id_taken(st, home, out);
        if (taken <= 0)
            return taken;
    }
    return FK_ECONFLICT;
}

int fk_id_chars(struct fk_store *st, const struct fk_id_home *home, const char *prefix,
                const char *alphabet, size_t n, char *out, size_t len)
{
    struct draw d = {DRAW_CHARS, prefix, alphabet, n};
    return fresh(st, home, &d, out, len);
}

int fk_id_hex(struct fk_store *st, const struct fk_id_home *home, const char *prefix, size_t nbytes,
              char *out, size_t len)
{
    struct draw d = {DRAW_HEX, prefix, NULL, nbytes};
    return fresh(st, home, &d, out, len);
}

int fk_id_uuid(struct fk_store *st, const struct fk_id_home *home, char *out)
{
    struct draw d = {DRAW_UUID, "", NULL, 0};
    return fresh(st, home, &d, out, 37);
}
