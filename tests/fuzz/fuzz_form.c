/* fuzz_form.c: query-string and form-body decoding (fakekit/http.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    return 0;
}
