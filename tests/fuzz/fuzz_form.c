/* fuzz_form.c: query-string and form-body decoding (fakekit/http.c).
 *
 * Beside the fields themselves: fk_url_unescape never makes a string shorter than it says
 * (no NUL from %00), and from escapes alone it never makes invalid UTF-8, so text that was
 * ASCII when it arrived is valid UTF-8 once decoded. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 (RFC 3629), checked the plain way: code point ranges. */
static bool valid_utf8(const unsigned char *s)
{
    while (*s != '\0') {
        unsigned cp;
        size_t n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : 4;
        if (*s >= 0x80 && ((*s & 0xC0) == 0x80 || *s >= 0xF8))
            return false;
        cp = n == 1 ? *s : *s & (0x7F >> n);
        for (size_t i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n;
    }
    return true;
}

static void check_unescape(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    bool ascii = true;
    size_t in, out;

    if (s == NULL)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    in = strlen(s);
    for (size_t i = 0; i < in; i++)
        ascii = ascii && (unsigned char)s[i] < 0x80;
    out = fk_url_unescape(s);
    if (out != strlen(s) || out > in || (ascii && !valid_utf8((const unsigned char *)s)))
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fk_kv *kv = NULL;
    size_t n = 0;

    if (fk_form_decode((const char *)data, size, FK_MAX_ARGS, &kv, &n) == 0) {
        struct fk_req req = {.args = kv, .nargs = n};
        for (size_t i = 0; i < n; i++)
            if (fk_req_arg(&req, kv[i].key) == NULL || strlen(kv[i].value) > size)
                abort();
        free(kv);
    }
    check_unescape(data, size);
    return 0;
}
