/* test_rand.c: one seed gives one sequence; bounds, ids and hex have the promised shape. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/rand.h"

#define SEQ 64

static void same_seed_same_sequence(void **state)
{
    static const uint64_t seeds[] = {0, 1, 42, UINT64_MAX};
    uint64_t a[SEQ], b[SEQ];
    size_t i, j;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        fk_rand_seed(seeds[i]);
        for (j = 0; j < SEQ; j++)
            a[j] = fk_rand_u64();
        fk_rand_seed(seeds[i]);
        for (j = 0; j < SEQ; j++)
            b[j] = fk_rand_u64();
        assert_memory_equal(a, b, sizeof a);
    }
    /* Different seeds differ. */
    fk_rand_seed(1);
    a[0] = fk_rand_u64();
    fk_rand_seed(2);
    b[0] = fk_rand_u64();
    assert_true(a[0] != b[0]);
}

/* fk_rand_mix: 0 changes nothing; another value another sequence, the same one replayed. */
static void mix_moves_the_sequence(void **state)
{
    uint64_t plain, mixed1, mixed1b, mixed2;

    (void)state; /* no fixture */
    fk_rand_seed(7);
    plain = fk_rand_u64();
    fk_rand_seed(7);
    fk_rand_mix(0);
    assert_true(fk_rand_u64() == plain);
    fk_rand_seed(7);
    fk_rand_mix(1);
    mixed1 = fk_rand_u64();
    fk_rand_seed(7);
    fk_rand_mix(1);
    mixed1b = fk_rand_u64();
    fk_rand_seed(7);
    fk_rand_mix(2);
    mixed2 = fk_rand_u64();
    assert_true(mixed1 == mixed1b);
    assert_true(mixed1 != plain && mixed2 != plain && mixed1 != mixed2);
}

static void ids_replay_with_the_seed(void **state)
{
    char u1[37], u2[37], h1[17], h2[17];

    (void)state; /* no fixture */
    fk_rand_seed(7);
    fk_rand_uuid(u1);
    fk_rand_hex(h1, 8);
    fk_rand_seed(7);
    fk_rand_uuid(u2);
    fk_rand_hex(h2, 8);
    assert_string_equal(u1, u2);
    assert_string_equal(h1, h2);
}

static void below_stays_below(void **state)
{
    static const uint64_t bounds[] = {1, 2, 3, 7, 10, 1000, UINT64_MAX};
    size_t i, j;
    int seen[3] = {0, 0, 0};

    (void)state; /* no fixture */
    fk_rand_seed(3);
    assert_int_equal(fk_rand_below(0), 0);
    for (i = 0; i < sizeof bounds / sizeof bounds[0]; i++)
        for (j = 0; j < 1000; j++)
            assert_true(fk_rand_below(bounds[i]) < bounds[i]);
    for (j = 0; j < 300; j++)
        seen[fk_rand_below(3)]++;
    /* Every value turns up: the draw is not stuck. */
    assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    for (j = 0; j < 1000; j++) {
        double u = fk_rand_unit();

        assert_true(u >= 0.0 && u < 1.0);
    }
}

static void prng_is_independent_and_replays(void **state)
{
    struct fk_prng p, q;
    uint64_t first;
    size_t i;

    (void)state; /* no fixture */
    fk_prng_init(&p, 99);
    fk_prng_init(&q, 99);
    first = fk_prng_next(&p);
    fk_rand_u64(); /* draws from the global generator do not move a stream */
    assert_true(fk_prng_next(&q) == first);
    for (i = 0; i < 100; i++) {
        assert_true(fk_prng_next(&p) == fk_prng_next(&q));
        assert_true(fk_prng_below(&p, 5) < 5);
        fk_prng_below(&q, 5);
    }
    assert_int_equal(fk_prng_below(&p, 0), 0);
}

/* fk_prng_below against the textbook rejection method, which computes 2^64 mod n before
 * every draw: the same stream must give the same numbers, for bounds where rejection never
 * happens in practice and for bounds just above 2^63, where half the draws are rejected. */
static uint64_t reference_below(struct fk_prng *p, uint64_t n)
{
    uint64_t threshold = (0 - n) % n, x;

    do {
        x = fk_prng_next(p);
    } while (x < threshold);
    return x % n;
}

static void prng_below_matches_the_reference(void **state)
{
    static const uint64_t bounds[] = {1,          2,          3,          5,
                                      10,         100,        800,        3196,
                                      1000000007, UINT32_MAX, 1ull << 62, (1ull << 63) + 12345,
                                      UINT64_MAX};
    struct fk_prng p, q;

    (void)state; /* no fixture */
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        fk_prng_init(&p, 7 + b);
        fk_prng_init(&q, 7 + b);
        for (int i = 0; i < 2000; i++)
            assert_true(fk_prng_below(&p, bounds[b]) == reference_below(&q, bounds[b]));
        assert_true(fk_prng_next(&p) == fk_prng_next(&q)); /* as many draws consumed */
    }
}

static void uuid_is_version_4(void **state)
{
    char u[37];
    size_t i, k;

    (void)state; /* no fixture */
    fk_rand_seed(11);
    for (k = 0; k < 200; k++) {
        fk_rand_uuid(u);
        assert_int_equal(strlen(u), 36);
        for (i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(u[i], '-');
            else
                assert_true(isxdigit((unsigned char)u[i]) && !isupper((unsigned char)u[i]));
        }
        assert_int_equal(u[14], '4');
        assert_non_null(strchr("89ab", u[19]));
    }
}

static void hex_and_chars_have_the_right_length(void **state)
{
    static const size_t sizes[] = {0, 1, 16, 63, 64, 65, 200};
    char out[2 * 200 + 1];
    size_t i, j;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(out, 'X', sizeof out);
        fk_rand_hex(out, sizes[i]);
        assert_int_equal(strlen(out), 2 * sizes[i]);
        for (j = 0; j < 2 * sizes[i]; j++)
            assert_non_null(strchr("0123456789abcdef", out[j]));
    }
    fk_rand_chars(out, 34, "0123456789");
    assert_int_equal(strlen(out), 34);
    for (j = 0; j < 34; j++)
        assert_true(out[j] >= '0' && out[j] <= '9');
    fk_rand_chars(out, 5, "z");
    assert_string_equal(out, "zzzzz");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_sequence),
        cmocka_unit_test(ids_replay_with_the_seed),
        cmocka_unit_test(mix_moves_the_sequence),
        cmocka_unit_test(below_stays_below),
        cmocka_unit_test(prng_is_independent_and_replays),
        cmocka_unit_test(prng_below_matches_the_reference),
        cmocka_unit_test(uuid_is_version_4),
        cmocka_unit_test(hex_and_chars_have_the_right_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
