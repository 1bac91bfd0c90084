/* fuzz_jwt.c: JWT decoding and HS256 verification (fakekit/jwt.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = malloc(size + 1);
    cJSON *claims = NULL;

    if (token == NULL)
        return 0;
    memcpy(token, data, size);
    token[size] = '\0';
    if (fk_jwt_verify(token, "secret", 1700000000, 10, false, &claims) == FK_JWT_OK) {
        /* Only a correctly signed token gets here: re-signing its claims must verify too. */
        char *again = fk_jwt_sign(claims, "secret", true);
        cJSON *c2 = NULL;
        if (again != NULL &&
            fk_jwt_verify(again, "secret", 1700000000, 10, false, &c2) != FK_JWT_OK)
            abort();
        cJSON_Delete(c2);
        free(again);
    }
    cJSON_Delete(claims);
    claims = NULL;
    if (fk_jwt_peek(token, &claims) == FK_JWT_OK)
        cJSON_Delete(claims);
    size_t n = 0;
    free(fk_base64url_decode(token, size, &n));
    free(token);
    return 0;
}
