/* test_twilio_inventory.c: the seeded inventory, search filters and Contains patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/inventory.h"

static size_t count_of(const struct twilio_inventory *inv, const char *iso, enum twilio_type t)
{
    struct twilio_filter f;
    size_t n = 0;

    twilio_filter_init(&f, iso, t);
    for (size_t i = 0; i < twilio_inventory_count(inv); i++)
        n += twilio_filter_match(&f, twilio_inventory_at(inv, i));
    return n;
}

static void same_seed_same_inventory(void **state)
{
    struct twilio_inventory *a = twilio_inventory_new(42), *b = twilio_inventory_new(42);
    struct twilio_inventory *c = twilio_inventory_new(43);
    size_t differ = 0;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal(twilio_inventory_count(a), twilio_inventory_count(b));
    for (size_t i = 0; i < twilio_inventory_count(a); i++) {
        const struct twilio_number *x = twilio_inventory_at(a, i), *y = twilio_inventory_at(b, i);
        assert_string_equal(x->e164, y->e164);
        assert_int_equal(x->caps, y->caps);
        assert_int_equal(x->beta, y->beta);
        differ += strcmp(x->e164, twilio_inventory_at(c, i)->e164) != 0;
    }
    /* Another seed gives other numbers (almost all of them). */
    assert_true(differ > twilio_inventory_count(a) / 2);
    twilio_inventory_free(a);
    twilio_inventory_free(b);
    twilio_inventory_free(c);
}

static void every_country_and_type_has_hundreds_of_unique_numbers(void **state)
{
    static const char *const isos[] = {"US", "CA", "GB"};
    struct twilio_inventory *inv = twilio_inventory_new(0);

    (void)state;
    assert_non_null(inv);
    for (size_t c = 0; c < 3; c++)
        for (int t = 0; t < TWILIO_NTYPES; t++)
            assert_true(count_of(inv, isos[c], (enum twilio_type)t) >= 250);
    for (size_t i = 0; i < twilio_inventory_count(inv); i++) {
        const struct twilio_number *n = twilio_inventory_at(inv, i);
        /* Unique: the lookup finds exactly this entry. */
        assert_ptr_equal(twilio_inventory_find(inv, n->e164), n);
        /* Magic test numbers are purchase-only. */
        assert_int_not_equal(strncmp(n->e164, "+1500555", 8), 0);
        if (strncmp(n->e164, "+1", 2) == 0)
            assert_true(twilio_is_nanp(n->e164));
    }
    assert_null(twilio_inventory_find(inv, "+15005550006"));
    assert_null(twilio_inventory_find(inv, "+19999999999"));
    twilio_inventory_free(inv);
}

static void numbers_carry_their_area(void **state)
{
    struct twilio_inventory *inv = twilio_inventory_new(7);
    size_t local = 0, tollfree = 0;

    (void)state;
    for (size_t i = 0; i < twilio_inventory_count(inv); i++) {
        const struct twilio_number *n = twilio_inventory_at(inv, i);
        if (n->type == TWILIO_TOLLFREE) {
            assert_null(n->area);
            assert_null(n->postal_code);
            tollfree++;
        }
        if (n->type == TWILIO_LOCAL && strcmp(n->iso, "US") == 0) {
            char npa[4] = {n->e164[2], n->e164[3], n->e164[4], 0};
            assert_non_null(n->area);
            assert_string_equal(n->area->prefix, npa);
            assert_non_null(n->postal_code);
            assert_true(n->caps & TWILIO_CAP_VOICE);
            local++;
        }
        if (strcmp(n->iso, "GB") == 0)
            assert_string_equal(n->friendly, n->e164);
    }
    assert_true(local > 0 && tollfree > 0);
    twilio_inventory_free(inv);
}

struct filter_case {
    const char *name;
    const char *iso;
    enum twilio_type type;
    void (*setup)(struct twilio_filter *f);
    int (*check)(const struct twilio_number *n); /* must hold for every match */
    size_t min_matches;
};

static void f_area(struct twilio_filter *f)
{
    f->area_code = "415";
}
static int c_area(const struct twilio_number *n)
{
    return strncmp(n->e164, "+1415", 5) == 0 && strcmp(n->area->region, "CA") == 0;
}
static void f_region(struct twilio_filter *f)
{
    f->in_region = "tx";
}
static int c_region(const struct twilio_number *n)
{
    return strcmp(n->area->locality, "Austin") == 0;
}
static void f_sms_no_fax(struct twilio_filter *f)
{
    f->sms = 1;
    f->fax = 0;
}
static int c_sms_no_fax(const struct twilio_number *n)
{
    return (n->caps & TWILIO_CAP_SMS) && !(n->caps & TWILIO_CAP_FAX);
}
static void f_no_beta(struct twilio_filter *f)
{
    f->beta = false;
}
static int c_no_beta(const struct twilio_number *n)
{
    return !n->beta;
}
static void f_excl_all(struct twilio_filter *f)
{
    f->exclude_all_address = true;
}
static int c_excl_all(const struct twilio_number *n)
{
    return strcmp(n->address_requirements, "none") == 0;
}
static void f_postal(struct twilio_filter *f)
{
    f->in_postal_code = "94110";
}
static int c_postal(const struct twilio_number *n)
{
    return strcmp(n->postal_code, "94110") == 0;
}
static void f_locality(struct twilio_filter *f)
{
    f->in_locality = "London";
}
static int c_locality(const struct twilio_number *n)
{
    return strncmp(n->e164, "+4420", 5) == 0;
}
static void f_near(struct twilio_filter *f)
{
    f->near = true;
    f->near_lat = 37.78; /* San Francisco: Los Angeles is ~350 miles away */
    f->near_lon = -122.41;
    f->distance_miles = 50;
}
static int c_near(const struct twilio_number *n)
{
    return strcmp(n->area->prefix, "415") == 0;
}
static void f_region_tollfree(struct twilio_filter *f)
{
    f->in_region = "CA";
}
static int c_never(const struct twilio_number *n)
{
    (void)n;
    return 0;
}
static void f_contains(struct twilio_filter *f)
{
    f->contains = "+1212*******$";
}
static int c_contains(const struct twilio_number *n)
{
    return strncmp(n->e164, "+1212", 5) == 0;
}

static void filters_select_only_matching_numbers(void **state)
{
    static const struct filter_case cases[] = {
        {"AreaCode", "US", TWILIO_LOCAL, f_area, c_area, 40},
        {"InRegion", "US", TWILIO_LOCAL, f_region, c_region, 40},
        {"SmsEnabled+!FaxEnabled", "US", TWILIO_LOCAL, f_sms_no_fax, c_sms_no_fax, 100},
        {"Beta=false", "US", TWILIO_MOBILE, f_no_beta, c_no_beta, 250},
        {"ExcludeAllAddressRequired", "GB", TWILIO_LOCAL, f_excl_all, c_excl_all, 10},
        {"InPostalCode", "US", TWILIO_LOCAL, f_postal, c_postal, 5},
        {"InLocality", "GB", TWILIO_LOCAL, f_locality, c_locality, 40},
        {"NearLatLong", "US", TWILIO_LOCAL, f_near, c_near, 40},
        {"InRegion on toll-free", "US", TWILIO_TOLLFREE, f_region_tollfree, c_never, 0},
        {"Contains anchored", "US", TWILIO_LOCAL, f_contains, c_contains, 40},
    };
    struct twilio_inventory *inv = twilio_inventory_new(1);

    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct twilio_filter f;
        size_t matches = 0;
        twilio_filter_init(&f, cases[c].iso, cases[c].type);
        cases[c].setup(&f);
        for (size_t i = 0; i < twilio_inventory_count(inv); i++) {
            const struct twilio_number *n = twilio_inventory_at(inv, i);
            if (!twilio_filter_match(&f, n))
                continue;
            matches++;
            if (!cases[c].check(n))
                fail_msg("%s: %s should not match", cases[c].name, n->e164);
        }
        if (matches < cases[c].min_matches)
            fail_msg("%s: only %zu matches", cases[c].name, matches);
    }
    twilio_inventory_free(inv);
}

static void contains_patterns(void **state)
{
    static const struct {
        const char *pattern, *number;
        bool match;
    } cases[] = {
        {"555", "+14155550100", true},
        {"556", "+14155550100", false},
        {"+1415", "+14155550100", true},
        {"+1415", "+12124155550", false},
        {"1415", "+12124155550", false},
        {"4155", "+12124155550", true},
        {"0100$", "+14155550100", true},
        {"0101$", "+14155550101", true},
        {"555$", "+14155550100", false},
        {"+1415***0100$", "+14155550100", true},
        {"+1415**0100$", "+14155550100", false},
        {"4%0100", "+14155550100", true},
        {"+1%00$", "+14155550100", true},
        {"+1%01$", "+14155550100", false},
        {"%%", "+14155550100", true},
        {"JKL", "+14155550100", true},
        {"JKM", "+14155550100", false},
        {"JJ", "+14155550100", true},
        {"jj", "+14155550100", true},
        {"PLANT", "+14157526800", true},
        {"*****", "+14155550100", true},
        {"+44*0", "+442071234567", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (twilio_contains_match(cases[i].pattern, cases[i].number) != cases[i].match)
            fail_msg("Contains=%s on %s: expected %d", cases[i].pattern, cases[i].number,
                     cases[i].match);
}

static void contains_validation(void **state)
{
    static const struct {
        const char *pattern;
        bool valid;
    } cases[] = {
        {"55", true},
        {"5", false},
        {"+1", false},
        {"+14", true},
        {"", false},
        {"5$", false},
        {"1234567890123456", true},
        {"12345678901234567", false},
        {"55-55", false},
        {"5 5", false},
        {"*%", true},
        {"+1415***$", true},
        {"ab", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (twilio_contains_valid(cases[i].pattern) != cases[i].valid)
            fail_msg("Contains=%s: expected valid=%d", cases[i].pattern, cases[i].valid);
}

static void friendly_names_and_types(void **state)
{
    char buf[32];

    (void)state;
    twilio_friendly_name("+14155550100", buf, sizeof buf);
    assert_string_equal(buf, "(415) 555-0100");
    twilio_friendly_name("+15005550006", buf, sizeof buf);
    assert_string_equal(buf, "(500) 555-0006");
    twilio_friendly_name("+4759440374", buf, sizeof buf);
    assert_string_equal(buf, "+4759440374");
    twilio_friendly_name("+1415", buf, sizeof buf);
    assert_string_equal(buf, "+1415");
    assert_int_equal(twilio_type_parse("Local"), TWILIO_LOCAL);
    assert_int_equal(twilio_type_parse("TollFree"), TWILIO_TOLLFREE);
    assert_int_equal(twilio_type_parse("Mobile"), TWILIO_MOBILE);
    assert_int_equal(twilio_type_parse("local"), -1);
    assert_int_equal(twilio_type_parse("Voip"), -1);
    assert_string_equal(twilio_type_name(TWILIO_TOLLFREE), "tollfree");
    assert_non_null(twilio_area_find("US", "808"));
    assert_null(twilio_area_find("US", "533"));
    /* San Francisco to Los Angeles is about 347 miles. */
    double d = twilio_distance_miles(37.7749, -122.4194, 34.0522, -118.2437);
    assert_true(d > 330 && d < 360);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_inventory),
        cmocka_unit_test(every_country_and_type_has_hundreds_of_unique_numbers),
        cmocka_unit_test(numbers_carry_their_area),
        cmocka_unit_test(filters_select_only_matching_numbers),
        cmocka_unit_test(contains_patterns),
        cmocka_unit_test(contains_validation),
        cmocka_unit_test(friendly_names_and_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
