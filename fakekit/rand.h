/* rand.h: randomness from one seed, so that a run replays exactly (--seed).
 *
 * The process-wide generator (fk_rand_*) is thread-safe; it draws fault probabilities,
 * jitter and generated ids. struct fk_prng is an independent, lock-free stream for code that
 * needs the same sequence whatever else happens (a fake's seeded inventory). */
#ifndef FK_RAND_H
#define FK_RAND_H

#include <stddef.h>
#include <stdint.h>

void fk_rand_seed(uint64_t seed);
/* Fold x into the generator's state (after fk_rand_seed): the same seed then draws another
 * sequence for every x != 0, and x == 0 changes nothing. fakekit/store.c mixes in how often
 * a database file was opened, so a fake restarted on the same file and seed does not replay
 * the ids it handed out before (fakekit/ids.h). */
void fk_rand_mix(uint64_t x);
uint64_t fk_rand_u64(void);
double fk_rand_unit(void);          /* [0, 1) */
uint64_t fk_rand_below(uint64_t n); /* [0, n); 0 when n == 0 */
/* Fill out with n characters drawn from alphabet (NUL-terminates; out has n + 1 bytes). */
void fk_rand_chars(char *out, size_t n, const char *alphabet);
/* Lower-case hex of nbytes random bytes (out has 2 * nbytes + 1 bytes). */
void fk_rand_hex(char *out, size_t nbytes);
/* A random (version 4) UUID in canonical form (out has 37 bytes). */
void fk_rand_uuid(char *out);

struct fk_prng {
    uint64_t s;
};
void fk_prng_init(struct fk_prng *p, uint64_t seed);
uint64_t fk_prng_next(struct fk_prng *p);
uint64_t fk_prng_below(struct fk_prng *p, uint64_t n);

#endif
