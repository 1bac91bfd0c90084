/* fuzz_redact.c: the journal's redaction (fakekit/redact.c) on any text: JSON and form
 * rewriting must end, stay within the input, keep every non-secret byte, and never leave a
 * secret field's value; header values of any shape, as Authorization and apikey. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t n = 0;
    bool oom = false;
    char *out;

    if ((out = fk_redact_json(s, size, &n, &oom)) != NULL) {
        if (n > size * 2 + 16 || strlen(out) > n)
            abort();
        free(out);
    }
    if ((out = fk_redact_form(s, size, &n, &oom)) != NULL) {
        if (n > size * 2 + 16 || memmem(out, n, "***", 3) == NULL)
            abort();
        free(out);
    }
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    free(fk_redact_header("Authorization", text, &oom));
    free(fk_redact_header("apikey", text, &oom));
    struct fk_kv headers[] = {{"Authorization", text}, {"Content-Type", "application/json"}};
    struct fk_req req = {.method = "POST",
                         .path = "/x",
                         .query = text,
                         .body = text,
                         .body_len = strlen(text),
                         .headers = headers,
                         .nheaders = 2};
    struct fk_redacted r;
    if (fk_redact_req(&req, 4096, &r) == 0)
        fk_redact_req_free(&r);
    free(text);
    return 0;
}
