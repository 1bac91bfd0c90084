/* buf.c: a growable byte buffer with a hard limit (see buf.h; after curl's dynbuf).
 *
 * Growth doubles the capacity, capped at max + 1 (room for the NUL). A failed append leaves
 * data, len and cap exactly as they were, so callers can report FK_ERANGE and keep going. */
#include "fakekit/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP 64

void fk_buf_init(struct fk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void fk_buf_cleanup(struct fk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void fk_buf_reset(struct fk_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Make room for extra more bytes plus the terminating NUL. */
static int buf_reserve(struct fk_buf *b, size_t extra)
{
    size_t need, ncap;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return FK_ERANGE;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    ncap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
    while (ncap < need)
        ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
    /* Never allocate more than the limit allows (max bytes of content + NUL). */
    if (b->max < ((size_t)-1) && ncap > b->max + 1)
        ncap = b->max + 1;
    if (ncap < need)
        ncap = need;
    p = realloc(b->data, ncap);
    if (p == NULL)
        return FK_ENOMEM;
    b->data = p;
    b->cap = ncap;
    return 0;
}

int fk_buf_add(struct fk_buf *b, const void *data, size_t len)
{
    int rc = buf_reserve(b, len);

    if (rc != 0)
        return rc;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int fk_buf_addstr(struct fk_buf *b, const char *s)
{
    return fk_buf_add(b, s, strlen(s));
}

int fk_buf_printf(struct fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return FK_EINVAL;
    rc = buf_reserve(b, (size_t)n);
    if (rc != 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *fk_buf_str(const struct fk_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *fk_buf_take(struct fk_buf *b, size_t *len)
{
    char *p = b->data;

    if (p == NULL) {
        p = malloc(1);
        if (p == NULL)
            return NULL;
        p[0] = '\0';
    }
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

char *fk_read_file(const char *path, size_t max, size_t *len, struct fk_error *err)
{
    FILE *f = fopen(path, "rbe");
    struct fk_buf b;
    char chunk[8192];
    size_t n;
    int rc = FK_OK;

    if (f == NULL) {
        fk_error_set(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    fk_buf_init(&b, max);
    while (rc == FK_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = fk_buf_add(&b, chunk, n);
    if (rc == FK_OK && ferror(f))
        rc = FK_EIO;
    fclose(f);
    char *text = rc == FK_OK ? fk_buf_take(&b, len) : NULL;
    if (rc == FK_OK && text == NULL)
        rc = FK_ENOMEM;
    if (rc != FK_OK) {
        if (rc == FK_ERANGE)
            fk_error_set(err, "%s: larger than %zu bytes", path, max);
        else
            fk_error_set(err, "%s: %s", path, rc == FK_EIO ? "read error" : "out of memory");
        fk_buf_cleanup(&b);
    }
    return text;
}
