/* fuzz_twilio_parse.c: fake_twilio's pure parsers: Contains patterns, PageSize and Page, the
 * writable form fields (booleans, FriendlyName length) and friendly names.
 *
 * Input: one selector byte, then text. Contains: a pattern that validates must match some
 * E.164 number without reading out of bounds, and a number must match its own digits as an
 * anchored pattern. PageSize/Page: a value that parses is in range and, printed back,
 * parses to the same value. Form fields: the check answers 0 or a Twilio 2000x code with a
 * message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_twilio/inventory.h"
#include "fake_twilio/paging.h"
#include "fake_twilio/resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void contains(const char *text)
{
    static const char *const numbers[] = {"+14155550100", "+442071234567", "+18005550199", "+1",
                                          ""};
    char anchored[64];

    if (twilio_contains_valid(text))
        for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
            (void)twilio_contains_match(text, numbers[i]);
    /* A number's own digits (2 to 16 of them), anchored at both ends, match it. */
    size_t n = strlen(text);
    if (n >= 2 && n <= 16 && strspn(text, "0123456789") == n) {
        snprintf(anchored, sizeof(anchored), "+%s$", text);
        char e164[32];
        snprintf(e164, sizeof(e164), "+%s", text);
        if (!twilio_contains_valid(anchored) || !twilio_contains_match(anchored, e164))
            abort();
    }
}

static void paging(const char *text)
{
    long v = -1, v2 = -1;
    char back[32];

    if (twilio_parse_page_size(text, &v) == 0) {
        if (v < 1 || v > TWILIO_PAGE_SIZE_MAX)
            abort();
        snprintf(back, sizeof(back), "%ld", v);
        if (twilio_parse_page_size(back, &v2) != 0 || v2 != v)
            abort();
    }
    if (twilio_parse_page(text, &v) == 0) {
        if (v < 0 || v > TWILIO_PAGE_MAX)
            abort();
        struct twilio_page pg;
        twilio_page_compute(v, 50, 1234, &pg);
        if (pg.count < 0 || pg.count > 50)
            abort();
    }
}

static void fields(unsigned sel, const char *text)
{
    const char *vals[TWILIO_NFIELDS] = {0};
    char msg[256] = "";

    vals[sel % TWILIO_NFIELDS] = text;
    vals[(sel / 7) % TWILIO_NFIELDS] = text;
    int code = -1;
    int rc = twilio_fields_validate(vals, &code, msg, sizeof(msg));
    if ((rc == 0) != (code == 0) || (rc != 0 && rc != FK_EINVAL) ||
        (code != 0 && (code < 20000 || code > 29999 || msg[0] == '\0')))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, friendly[64];

    if (size < 1 || (text = malloc(size)) == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 4) {
    case 0:
        contains(text);
        break;
    case 1:
        paging(text);
        break;
    case 2:
        fields(data[0] >> 2, text);
        break;
    default:
        twilio_friendly_name(text, friendly, sizeof(friendly));
        if (memchr(friendly, '\0', sizeof(friendly)) == NULL)
            abort();
        (void)twilio_type_parse(text);
        (void)twilio_is_nanp(text);
        break;
    }
    free(text);
    return 0;
}
