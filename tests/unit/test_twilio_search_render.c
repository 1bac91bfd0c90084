/* test_twilio_search_render.c: the search items rendered once at start (numbers.h).
 *
 * A search body is assembled from these texts, so each must be byte-for-byte what printing
 * twilio_available_json() gives, for every number of every country and type, under several
 * seeds; and joining them must equal printing the array the old per-request tree built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/numbers.h"
#include "fakekit/buf.h"

/* Item i printed the slow way; caller frees with cJSON_free. */
static char *printed(const struct twilio_inventory *inv, size_t i)
{
    cJSON *item = twilio_available_json(twilio_inventory_at(inv, i));
    char *text;

    assert_non_null(item);
    text = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    assert_non_null(text);
    return text;
}

static void every_item_matches_cjson_print(void **state)
{
    static const uint64_t seeds[] = {0, 1, 42, 0xdeadbeefULL};
    static const char *const isos[] = {"US", "CA", "GB"};

    (void)state;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        struct twilio_inventory *inv = twilio_inventory_new(seeds[s]);
        struct twilio_rendered *r;
        size_t seen[3] = {0}, nulls = 0;
        assert_non_null(inv);
        r = twilio_rendered_new(inv);
        assert_non_null(r);
        assert_int_equal(twilio_rendered_count(r), twilio_inventory_count(inv));
        for (size_t i = 0; i < twilio_inventory_count(inv); i++) {
            const struct twilio_number *n = twilio_inventory_at(inv, i);
            char *want = printed(inv, i);
            size_t len = 0;
            const char *got = twilio_rendered_item(r, i, &len);
            assert_int_equal(len, strlen(want));
            assert_memory_equal(got, want, len);
            for (size_t c = 0; c < 3; c++)
                seen[c] += strcmp(n->iso, isos[c]) == 0;
            nulls += n->area == NULL;
            cJSON_free(want);
        }
        /* The check covered every country, and numbers without a location (null fields). */
        for (size_t c = 0; c < 3; c++)
            assert_true(seen[c] >= 750);
        assert_true(nulls > 0);
        twilio_rendered_free(r);
        twilio_inventory_free(inv);
    }
}

/* Join the items the filter selects, up to max, as the search handler does. */
static char *joined(const struct twilio_inventory *inv, struct twilio_rendered *r,
                    const struct twilio_filter *f, size_t max)
{
    struct fk_buf b;
    const char *sep = "";
    char *out;

    fk_buf_init(&b, (size_t)16 << 20);
    assert_int_equal(fk_buf_addstr(&b, "["), 0);
    for (size_t i = 0, k = 0; i < twilio_inventory_count(inv) && k < max; i++) {
        size_t len;
        const char *text;
        if (!twilio_filter_match(f, twilio_inventory_at(inv, i)))
            continue;
        text = twilio_rendered_item(r, i, &len);
        assert_int_equal(fk_buf_addstr(&b, sep), 0);
        assert_int_equal(fk_buf_add(&b, text, len), 0);
        sep = ",";
        k++;
    }
    assert_int_equal(fk_buf_addstr(&b, "]"), 0);
    out = fk_buf_take(&b, NULL);
    assert_non_null(out);
    return out;
}

/* The same selection built as a cJSON array and printed (the old handler's way). */
static char *tree(const struct twilio_inventory *inv, const struct twilio_filter *f, size_t max)
{
    cJSON *arr = cJSON_CreateArray();
    char *text;

    assert_non_null(arr);
    for (size_t i = 0, k = 0; i < twilio_inventory_count(inv) && k < max; i++) {
        const struct twilio_number *n = twilio_inventory_at(inv, i);
        if (!twilio_filter_match(f, n))
            continue;
        assert_true(cJSON_AddItemToArray(arr, twilio_available_json(n)));
        k++;
    }
    text = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    assert_non_null(text);
    return text;
}

static void joined_items_equal_the_printed_array(void **state)
{
    static const struct {
        const char *iso;
        enum twilio_type type;
        size_t max;
    } cases[] = {
        {"US", TWILIO_LOCAL, 1},   {"US", TWILIO_LOCAL, 50},   {"US", TWILIO_TOLLFREE, 1000},
        {"CA", TWILIO_MOBILE, 5},  {"GB", TWILIO_LOCAL, 1000}, {"GB", TWILIO_TOLLFREE, 1000},
        {"GB", TWILIO_MOBILE, 50}, {"ZZ", TWILIO_LOCAL, 50}, /* no match: "[]" */
    };
    struct twilio_inventory *inv = twilio_inventory_new(7);
    struct twilio_rendered *r;

    (void)state;
    assert_non_null(inv);
    r = twilio_rendered_new(inv);
    assert_non_null(r);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct twilio_filter f;
        char *got, *want;
        twilio_filter_init(&f, cases[c].iso, cases[c].type);
        got = joined(inv, r, &f, cases[c].max);
        want = tree(inv, &f, cases[c].max);
        assert_string_equal(got, want);
        free(got);
        cJSON_free(want);
    }
    twilio_rendered_free(r);
    twilio_inventory_free(inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_item_matches_cjson_print),
        cmocka_unit_test(joined_items_equal_the_printed_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
