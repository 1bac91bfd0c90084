/* rand.c: seeded randomness so that a run replays exactly (see rand.h).
 *
 * The process-wide generator is xoshiro256** (Blackman and Vigna), its four words filled
 * from the seed by splitmix64 as its authors recommend; one mutex guards it because request
 * threads draw from it concurrently. struct fk_prng is plain splitmix64: one word of state,
 * no lock, good enough for seeded inventories. Seed 0 is an ordinary seed, and the
 * generator starts as if seeded with 0, so an unseeded run is also reproducible. */
#include "fakekit/rand.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t rand_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rand_state[4];
static int rand_ready;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Caller holds rand_lock. */
static void seed_locked(uint64_t seed)
{
    uint64_t x = seed;
    int i;

    for (i = 0; i < 4; i++)
        rand_state[i] = splitmix64(&x);
    rand_ready = 1;
}

/* Caller holds rand_lock. */
static uint64_t next_locked(void)
{
    uint64_t *s = rand_state;
    uint64_t result, t;

    if (!rand_ready)
        seed_locked(0);
    result = rotl(s[1] * 5, 7) * 9;
    t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Unbiased [0, n) from a 64-bit source: reject the short tail of the range. */
static uint64_t below_from(uint64_t (*next)(void *), void *ctx, uint64_t n)
{
    uint64_t x;

    if (n == 0)
        return 0;
    /* Reject draws below 2^64 mod n. That threshold is below n, so a draw of at least n
     * (nearly all of them) is accepted without the division that computes it. */
    do {
        x = next(ctx);
    } while (x < n && x < (0 - n) % n);
    return x % n;
}

static uint64_t global_next(void *ctx)
{
    (void)ctx; /* the global generator has no per-call context */
    return next_locked();
}

void fk_rand_seed(uint64_t seed)
{
    pthread_mutex_lock(&rand_lock);
    seed_locked(seed);
    pthread_mutex_unlock(&rand_lock);
}

void fk_rand_mix(uint64_t x)
{
    uint64_t m = x * 0x9e3779b97f4a7c15ULL;

    if (x == 0)
        return;
    pthread_mutex_lock(&rand_lock);
    if (!rand_ready)
        seed_locked(0);
    for (int i = 0; i < 4; i++)
        rand_state[i] ^= splitmix64(&m);
    if ((rand_state[0] | rand_state[1] | rand_state[2] | rand_state[3]) == 0)
        rand_state[0] = 1; /* xoshiro's one forbidden state */
    pthread_mutex_unlock(&rand_lock);
}

uint64_t fk_rand_u64(void)
{
    uint64_t x;

    pthread_mutex_lock(&rand_lock);
    x = next_locked();
    pthread_mutex_unlock(&rand_lock);
    return x;
}

double fk_rand_unit(void)
{
    /* The top 53 bits fill a double's mantissa exactly. */
    return (double)(fk_rand_u64() >> 11) * 0x1.0p-53;
}

uint64_t fk_rand_below(uint64_t n)
{
    uint64_t x;

    pthread_mutex_lock(&rand_lock);
    x = below_from(global_next, NULL, n);
    pthread_mutex_unlock(&rand_lock);
    return x;
}

void fk_rand_chars(char *out, size_t n, const char *alphabet)
{
    size_t alen = strlen(alphabet);
    size_t i;

    if (alen == 0) {
        out[0] = '\0';
        return;
    }
    pthread_mutex_lock(&rand_lock);
    for (i = 0; i < n; i++)
        out[i] = alphabet[below_from(global_next, NULL, alen)];
    pthread_mutex_unlock(&rand_lock);
    out[n] = '\0';
}

static void fill_bytes(unsigned char *out, size_t n)
{
    uint64_t x = 0;
    size_t i;

    pthread_mutex_lock(&rand_lock);
    for (i = 0; i < n; i++) {
        if (i % 8 == 0)
            x = next_locked();
        out[i] = (unsigned char)(x & 0xff);
        x >>= 8;
    }
    pthread_mutex_unlock(&rand_lock);
}

static const char hexdigits[] = "0123456789abcdef";

void fk_rand_hex(char *out, size_t nbytes)
{
    unsigned char b[64];
    size_t done = 0, chunk, i;

    while (done < nbytes) {
        chunk = nbytes - done < sizeof b ? nbytes - done : sizeof b;
        fill_bytes(b, chunk);
        for (i = 0; i < chunk; i++) {
            out[2 * (done + i)] = hexdigits[b[i] >> 4];
            out[2 * (done + i) + 1] = hexdigits[b[i] & 0x0f];
        }
        done += chunk;
    }
    out[2 * nbytes] = '\0';
}

void fk_rand_uuid(char *out)
{
    unsigned char b[16];
    size_t i, o = 0;

    fill_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hexdigits[b[i] >> 4];
        out[o++] = hexdigits[b[i] & 0x0f];
    }
    out[o] = '\0';
}

void fk_prng_init(struct fk_prng *p, uint64_t seed)
{
    p->s = seed;
}

uint64_t fk_prng_next(struct fk_prng *p)
{
    return splitmix64(&p->s);
}

static uint64_t prng_next_cb(void *ctx)
{
    return fk_prng_next(ctx);
}

uint64_t fk_prng_below(struct fk_prng *p, uint64_t n)
{
    return below_from(prng_next_cb, p, n);
}
