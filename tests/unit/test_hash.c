/* test_hash.c: fakekit/hash.h against the published FNV-1a 64-bit test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/hash.h"

static void known_vectors(void **state)
{
    static const struct {
        const char *in;
        uint64_t want;
    } cases[] = {
        {"", 0xcbf29ce484222325ULL},
        {"a", 0xaf63dc4c8601ec8cULL},
        {"foobar", 0x85944171f73967e8ULL},
    };

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(fk_fnv1a(cases[i].in, strlen(cases[i].in)) == cases[i].want);
        assert_true(fk_fnv1a_str(cases[i].in) == cases[i].want);
    }
}

static void step_by_step_equals_whole(void **state)
{
    const char *s = "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json";
    uint64_t h = FK_FNV1A_OFFSET;

    (void)state; /* no fixture */
    for (size_t i = 0; s[i] != '\0'; i++) {
        assert_true(h == fk_fnv1a(s, i));
        h = fk_fnv1a_step(h, (unsigned char)s[i]);
    }
    assert_true(h == fk_fnv1a_str(s));
    /* Bytes above 0x7f hash as unsigned. */
    assert_true(fk_fnv1a("\xff", 1) == fk_fnv1a_step(FK_FNV1A_OFFSET, 0xff));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(step_by_step_equals_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
