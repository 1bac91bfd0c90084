/* text.c: see text.h. One row of the dynamic-programming table, on the stack. */
#include "fakekit/text.h"

#include <ctype.h>
#include <stdint.h>
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
