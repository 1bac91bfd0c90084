/* test_fakes_svg.c: the SVG/HTML sequence picture escapes every text it shows, draws one
 * exchange per request in the colour of its outcome, marks long waits, and stays standalone
 * (no script, no external resource). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/svg.h"

struct esc_case {
    const char *in, *want;
};

static void xml_escape_covers_markup_and_controls(void **state)
{
    static const struct esc_case cases[] = {
        {"a<b>&c", "a&lt;b&gt;&amp;c"},
        {"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
        {"</svg><script>alert(1)</script>", "&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"bell\a nul-ish\x01 tab\t nl\n", "bell nul-ish tab\t nl\n"},
        {"caf\xc3\xa9", "caf\xc3\xa9"}, /* UTF-8 passes through */
        {"", ""},
    };

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        fx_xml_escape(f, cases[i].in);
        fclose(f);
        assert_string_equal(text, cases[i].want);
        free(text);
    }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Four requests: ok, fault (no answer), rate limited, then one second later an error, with
 * markup in a path and a fault id that must come out escaped. */
static const char *const journal =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000100Z\",\"method\":\"GET\","
    "\"path\":\"/auth/v1/user\",\"status\":200,\"duration_us\":900},"
    "{\"seq\":2,\"time\":\"2024-05-01T12:00:00.002000Z\",\"method\":\"POST\","
    "\"path\":\"/rest/v1/<t>\",\"query\":\"a=1&b=2\",\"status\":0,\"fault\":\"x<y>\","
    "\"duration_us\":100},"
    "{\"seq\":3,\"time\":\"2024-05-01T12:00:00.003000Z\",\"method\":\"GET\","
    "\"path\":\"/rest/v1/jobs\",\"status\":429,\"rate_limited\":true,\"duration_us\":100},"
    "{\"seq\":4,\"time\":\"2024-05-01T12:00:01.503000Z\",\"method\":\"GET\","
    "\"path\":\"/rest/v1/jobs\",\"status\":409,\"duration_us\":100}]";

static char *render(int html)
{
    struct fx_merged m;
    struct fx_timeline t;
    struct fk_error err = {{0}};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    fx_merged_init(&m);
    assert_int_equal(fx_merged_add(&m, "supabase", cJSON_Parse(journal), &err), 0);
    fx_merged_sort(&m);
    assert_int_equal(fx_timeline_build(&t, &m, "{\"step\":\"store & <go>\"}\n"), 0);
    if (html)
        fx_html_write(&t, "run <1>", f);
    else
        fx_svg_write(&t, f);
    fclose(f);
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
    return text;
}

static void svg_draws_each_exchange_in_its_colour(void **state)
{
    char *svg = render(0);

    (void)state; /* no fixture */
    assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    assert_int_equal(count(svg, "<g><title>"), 5); /* one group per request and note */
    assert_int_equal(count(svg, "<g>"), count(svg, "</g>"));
    assert_int_equal(count(svg, "<text"), count(svg, "</text>"));
    assert_int_equal(count(svg, ">supabase</text>"), 2); /* header and footer boxes */
    assert_non_null(strstr(svg, "fill=\"#dc2626\">no answer \u00b7 0.1 ms</text>"));
    assert_non_null(strstr(svg, "fill=\"#dc2626\">fault x&lt;y&gt;</text>")); /* by the fake */
    assert_non_null(strstr(svg, "fill=\"#ea580c\">429 \u00b7 0.1 ms</text>"));
    assert_non_null(strstr(svg, "fill=\"#ea580c\">rate limited</text>"));
    assert_non_null(strstr(svg, "fill=\"#7c3aed\">409"));
    assert_non_null(strstr(svg, "fill=\"#1f2937\">200 \u00b7 0.9 ms"));
    assert_non_null(strstr(svg, "POST /rest/v1/&lt;t&gt;?a=1&amp;b=2")); /* tooltip */
    assert_non_null(strstr(svg, "\u22ef 1.50 s later \u22ef"));          /* the wait */
    assert_int_equal(count(svg, " later "), 1);
    assert_non_null(strstr(svg, ">store &amp; &lt;go&gt;</text>")); /* the step note */
    assert_null(strstr(svg, "<t>"));
    assert_null(strstr(svg, "x<y>"));
    free(svg);
}

static void long_notes_are_cut_but_kept_in_the_tooltip(void **state)
{
    struct fx_merged m;
    struct fx_timeline t;
    char trace[400], *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state; /* no fixture */
    assert_non_null(f);
    /* 150 characters, the cut falling inside a two-byte UTF-8 sequence. */
    snprintf(trace, sizeof(trace), "{\"step\":\"%.117s\u00e9%s\"}",
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
             "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
    fx_merged_init(&m);
    assert_int_equal(fx_timeline_build(&t, &m, trace), 0);
    fx_svg_write(&t, f);
    fclose(f);
    assert_non_null(strstr(text, "yyyyyyy</title>"));      /* whole in the tooltip */
    assert_non_null(strstr(text, "xxx\u2026</text></g>")); /* cut before the \u00e9 */
    free(text);
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
}

static void html_is_standalone(void **state)
{
    char *html = render(1);
    size_t len = strlen(html);

    (void)state; /* no fixture */
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_string_equal(html + len - 8, "</html>\n");
    assert_non_null(strstr(html, "<title>run &lt;1&gt;</title>"));
    assert_non_null(strstr(html, "4 requests, 1 faulted, 1 rate limited"));
    assert_int_equal(count(html, "<svg"), 1);
    assert_int_equal(count(html, "<tr class="), 4); /* the table: one row per request */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, "url(http"));
    /* The only absolute URL is the SVG namespace, which browsers never fetch. */
    assert_int_equal(count(html, "http"), 1);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_escape_covers_markup_and_controls),
        cmocka_unit_test(svg_draws_each_exchange_in_its_colour),
        cmocka_unit_test(html_is_standalone),
        cmocka_unit_test(long_notes_are_cut_but_kept_in_the_tooltip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
