/* password.c: password hashes for the fake's users, PBKDF2-HMAC-SHA256 from Nettle.
 *
 * Stored as "pbkdf2-sha256$ITER$SALT$HASH" with base64url salt and hash, so the iteration
 * count can change without breaking stored users. The salt comes from fk_rand: it only has
 * to differ between users, and a seeded run then replays exactly. */
#include "fake_supabase/gotrue_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/memops.h>
#include <nettle/pbkdf2.h>

#include "fakekit/rand.h"

#define SALT_LEN 16
#define HASH_LEN 32
#define PREFIX   "pbkdf2-sha256$"

static int derive(const char *password, const unsigned char *salt, size_t saltlen, long iter,
                  unsigned char *out)
{
    if (iter < 1 || iter > 100000000L)
        return -1;
    pbkdf2_hmac_sha256(strlen(password), (const uint8_t *)password, (unsigned)iter, saltlen, salt,
                       HASH_LEN, out);
    return 0;
}

char *sb_password_hash(const char *password)
{
    unsigned char salt[SALT_LEN];
    unsigned char hash[HASH_LEN];
    char *salt64 = NULL;
    char *hash64 = NULL;
    char *out = NULL;
    size_t len;

    for (size_t i = 0; i < SALT_LEN; i++)
        salt[i] = (unsigned char)fk_rand_below(256);
    if (derive(password, salt, SALT_LEN, SB_PBKDF2_ITERATIONS, hash) != 0)
        goto out;
    salt64 = fk_base64url_encode(salt, SALT_LEN);
    hash64 = fk_base64url_encode(hash, HASH_LEN);
    if (salt64 == NULL || hash64 == NULL)
        goto out;
    len = strlen(PREFIX) + 24 + strlen(salt64) + strlen(hash64);
    out = malloc(len);
    if (out != NULL)
        snprintf(out, len, PREFIX "%d$%s$%s", SB_PBKDF2_ITERATIONS, salt64, hash64);
out:
    explicit_bzero(hash, sizeof hash);
    free(salt64);
    free(hash64);
    return out;
}

bool sb_password_verify(const char *password, const char *stored)
{
    unsigned char want[HASH_LEN];
    unsigned char got[HASH_LEN];
    unsigned char *salt = NULL;
    unsigned char *hash = NULL;
    size_t saltlen = 0, hashlen = 0;
    const char *p, *salt_end;
    char *end = NULL;
    long iter;
    bool ok = false;

    if (password == NULL || stored == NULL || strncmp(stored, PREFIX, strlen(PREFIX)) != 0)
        return false;
    p = stored + strlen(PREFIX);
    errno = 0;
    iter = strtol(p, &end, 10);
    if (errno != 0 || end == p || *end != '$' || iter < 1 || iter > 10000000)
        return false;
    p = end + 1;
    salt_end = strchr(p, '$');
    if (salt_end == NULL)
        return false;
    salt = fk_base64url_decode(p, (size_t)(salt_end - p), &saltlen);
    hash = fk_base64url_decode(salt_end + 1, strlen(salt_end + 1), &hashlen);
    if (salt == NULL || hash == NULL || hashlen != HASH_LEN || saltlen == 0)
        goto out;
    memcpy(want, hash, HASH_LEN);
    if (derive(password, salt, saltlen, iter, got) != 0)
        goto out;
    ok = memeql_sec(want, got, HASH_LEN) != 0;
out:
    explicit_bzero(got, sizeof got);
    free(salt);
    free(hash);
    return ok;
}
