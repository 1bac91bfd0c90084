/* buf.h: a growable byte buffer with a hard limit (modelled on curl's dynbuf).
 *
 * The buffer is always NUL-terminated after its content, so text can be read as a C string.
 * Appends that would exceed max fail with FK_ERANGE and leave the content unchanged. */
#ifndef FK_BUF_H
#define FK_BUF_H

#include <stddef.h>

#include "fakekit/err.h"

struct fk_buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* hard limit on len */
};

void fk_buf_init(struct fk_buf *b, size_t max);
void fk_buf_cleanup(struct fk_buf *b); /* frees; the buffer may be reused after init */
void fk_buf_reset(struct fk_buf *b);   /* length 0, memory kept */
int fk_buf_add(struct fk_buf *b, const void *data, size_t len) FK_MUST_CHECK;
int fk_buf_addstr(struct fk_buf *b, const char *s) FK_MUST_CHECK;
int fk_buf_printf(struct fk_buf *b, const char *fmt, ...) FK_PRINTF(2, 3) FK_MUST_CHECK;
/* Content as a C string ("" when empty); borrowed, valid until the next change. */
const char *fk_buf_str(const struct fk_buf *b);
/* Hand the content to the caller (free() it; never NULL on success, NULL on ENOMEM);
 * the buffer is left empty. */
char *fk_buf_take(struct fk_buf *b, size_t *len);

/* The whole file at path, NUL-terminated (caller frees; *len gets its length when len is not
 * NULL), read to its end, so pipes work too. NULL with err "PATH: why" when it cannot be opened
 * or read, holds more than max bytes ("larger than MAX bytes"), or memory runs out. */
char *fk_read_file(const char *path, size_t max, size_t *len, struct fk_error *err);

#endif
