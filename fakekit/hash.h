/* hash.h: FNV-1a, 64 bits, for hash tables and cache keys (not for anything an attacker must
 * not be able to collide: the fakes' tables fall back to comparing keys).
 *
 * Header-only so that the byte loop inlines where it runs once per request. fk_fnv1a_step
 * lets a caller hash a string one byte at a time (items.c hashes every prefix of a path on
 * the way through it). */
#ifndef FK_HASH_H
#define FK_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FK_FNV1A_OFFSET 14695981039346656037ULL
#define FK_FNV1A_PRIME  1099511628211ULL

static inline uint64_t fk_fnv1a_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * FK_FNV1A_PRIME;
}

static inline uint64_t fk_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = FK_FNV1A_OFFSET;

    for (size_t i = 0; i < len; i++)
        h = fk_fnv1a_step(h, p[i]);
    return h;
}

static inline uint64_t fk_fnv1a_str(const char *s)
{
    uint64_t h = FK_FNV1A_OFFSET;

    for (; *s != '\0'; s++)
        h = fk_fnv1a_step(h, (unsigned char)*s);
    return h;
}

#endif
