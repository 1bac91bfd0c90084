/* text.c: see text.h. One row of the dynamic-programming table, on the stack. */
#include "fakekit/text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t fk_edit_distance(const char *a, const char *b, bool fold_case)
{
    size_t la = strlen(a), lb = strlen(b), row[FK_EDIT_MAX + 1];

    if (la > FK_EDIT_MAX || lb > FK_EDIT_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned char x = (unsigned char)a[i - 1], y = (unsigned char)b[j - 1];
            size_t up = row[j];
            size_t best = diag + (fold_case ? tolower(x) != tolower(y) : x != y);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

size_t fk_utf8_seq(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80                    ? 1
                 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    unsigned lo = s[0] == 0xE0 ? 0xA0 : s[0] == 0xF0 ? 0x90 : 0x80;
    unsigned hi = s[0] == 0xED ? 0x9F : s[0] == 0xF4 ? 0x8F : 0xBF;

    if (len < 2)
        return len;
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

char *fk_utf8_fix(const char *s, size_t len, size_t *out_len, bool *oom)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = 0, out = 0, l;

    for (size_t i = 0; i < len; i += l ? l : 1)
        bad += (l = fk_utf8_seq(u + i, len - i)) == 0;
    if (bad == 0)
        return NULL;
    char *r = malloc(len + 2 * bad + 1);
    if (r == NULL) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < len; i += l ? l : 1) {
        if ((l = fk_utf8_seq(u + i, len - i)) == 0) {
            memcpy(r + out, "\xEF\xBF\xBD", 3);
            out += 3;
        } else {
            memcpy(r + out, s + i, l);
            out += l;
        }
    }
    r[out] = '\0';
    *out_len = out;
    return r;
}
