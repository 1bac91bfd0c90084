/* conflict_key.c: the text of a conflict key (see conflict_key.h). */
#include "fake_livekit/conflict_key.h"

#include <string.h>

/* The decimal digits of n into out (at least 20 bytes, no NUL); their count. */
static size_t decimal(size_t n, char *out)
{
    char rev[24];
    size_t len = 0;
    do {
        rev[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (size_t i = 0; i < len; i++)
        out[i] = rev[len - 1 - i];
    return len;
}

bool lk_conflict_key_fits(const char *const *part, size_t n)
{
    size_t len = 0;
    char digits[24];
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(part[i]);
        len += decimal(plen, digits) + 1 + plen;
    }
    return len <= LK_KEY_MAX;
}

int lk_conflict_key(struct fk_buf *b, const char *const *part, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char len[24];
        size_t plen = strlen(part[i]), dlen = decimal(plen, len);
        len[dlen++] = ':';
        rc = fk_buf_add(b, len, dlen);
        if (rc == 0)
            rc = fk_buf_add(b, part[i], plen);
    }
    return rc;
}
