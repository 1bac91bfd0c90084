/* test_fakes_sequence.c: the Mermaid text of a run: participants, one arrow pair per
 * request, faults and rate limits tinted and noted, unanswered requests crossed, and text
 * escaped so Mermaid shows it literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/sequence.h"

struct esc_case {
    const char *in, *want;
};

static void mermaid_escape_is_literal(void **state)
{
    static const struct esc_case cases[] = {
        {"plain /path.json", "plain /path.json"},
        {"a;b", "a#59;b"},
        {"#1", "#35;1"},
        {"<script>", "#60;script#62;"},
        {"say \"hi\"", "say #34;hi#34;"},
        {"two\nlines\r\tx", "two lines  x"},
        {"", ""},
    };

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        fx_mermaid_escape(f, cases[i].in);
        fclose(f);
        assert_string_equal(text, cases[i].want);
        free(text);
    }
}

struct short_case {
    const char *in;
    size_t max;
    const char *want;
};

static void long_paths_keep_their_tail(void **state)
{
    static const struct short_case cases[] = {
        {"/rest/v1/profiles", 48, "/rest/v1/profiles"},
        {"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers.json", 48,
         "/\u2026/IncomingPhoneNumbers.json"},
        {"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AvailablePhoneNumbers/US/"
         "Local.json",
         48, "/\u2026/AvailablePhoneNumbers/US/Local.json"},
        {"/a/b/c/d", 6, "/\u2026/c/d"},
        {"/a/b/c/averyveryverylongname", 6, "/\u2026/averyveryverylongname"}, /* tail whole */
        {"/nosegments-but-long", 5, "/nosegments-but-long"},
        {"", 5, ""},
    };
    char buf[128];

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(fx_short_path(cases[i].in, cases[i].max, buf, sizeof(buf)),
                            cases[i].want);
}

static const char *const twilio_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000100Z\",\"method\":\"GET\","
    "\"path\":\"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AvailablePhoneNumbers/"
    "US/Local.json\",\"status\":429,\"rate_limited\":true,\"duration_us\":200},"
    "{\"seq\":2,\"time\":\"2024-05-01T12:00:01.000100Z\",\"method\":\"POST\","
    "\"path\":\"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers."
    "json\",\"status\":0,\"fault\":\"reset;after\",\"duration_us\":1500}]";
static const char *const livekit_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:02Z\",\"method\":\"POST\","
    "\"path\":\"/twirp/livekit.SIP/CreateSIPInboundTrunk\",\"status\":200,\"duration_us\":3000}]";
static const char *const trace =
    "{\"step\":\"search\",\"result\":\"start\"}\n"
    "{\"step\":\"search\",\"attempt\":1,\"service\":\"twilio\",\"method\":\"GET\",\"path\":"
    "\"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/AvailablePhoneNumbers/US/"
    "Local.json\",\"status\":429,\"outcome\":\"retry\"}\n"
    "{\"step\":\"register\",\"attempt\":2,\"service\":\"supabase\",\"method\":\"PATCH\","
    "\"path\":\"/rest/v1/jobs\",\"status\":null,\"outcome\":\"refused\"}\n";

static const char *const want =
    "sequenceDiagram\n"
    "    %% 3 requests, 1 faulted, 1 rate limited (fakes diagram)\n"
    "    participant provisioner\n"
    "    participant twilio\n"
    "    participant supabase\n"
    "    participant livekit\n"
    "    Note over provisioner: search: start\n"
    "    rect rgb(255, 234, 204)\n"
    "    provisioner->>twilio: GET /\u2026/AvailablePhoneNumbers/US/Local.json (search)\n"
    "    twilio-->>provisioner: 429 rate limited \u00b7 0.2 ms\n"
    "    Note right of twilio: rate limited\n"
    "    end\n"
    "    rect rgb(235, 235, 235)\n"
    "    provisioner-xsupabase: PATCH /rest/v1/jobs (register try 2)\n"
    "    Note right of provisioner: never reached supabase: refused\n"
    "    end\n"
    "    rect rgb(255, 221, 221)\n"
    "    provisioner->>twilio: POST /\u2026/IncomingPhoneNumbers.json\n"
    "    twilio--xprovisioner: no answer fault=reset#59;after \u00b7 1.5 ms\n"
    "    Note right of twilio: fault reset#59;after\n"
    "    end\n"
    "    provisioner->>livekit: POST /twirp/livekit.SIP/CreateSIPInboundTrunk\n"
    "    livekit-->>provisioner: 200 \u00b7 3.0 ms\n";

static void mermaid_of_a_run(void **state)
{
    struct fx_merged m;
    struct fx_timeline t;
    struct fk_error err = {{0}};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state; /* no fixture */
    assert_non_null(f);
    fx_merged_init(&m);
    assert_int_equal(fx_merged_add(&m, "twilio", cJSON_Parse(twilio_j), &err), 0);
    assert_int_equal(fx_merged_add(&m, "livekit", cJSON_Parse(livekit_j), &err), 0);
    fx_merged_sort(&m);
    assert_int_equal(fx_timeline_build(&t, &m, trace), 0);
    fx_mermaid_write(&t, NULL, f);
    fclose(f);
    assert_string_equal(text, want);
    free(text);
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
}

static void participants_have_fixed_columns(void **state)
{
    (void)state; /* no fixture */
    assert_int_equal(fx_participant_col("twilio"), 1);
    assert_int_equal(fx_participant_col("supabase"), 2);
    assert_int_equal(fx_participant_col("livekit"), 3);
    assert_int_equal(fx_participant_col("provisioner"), 0);
    assert_int_equal(fx_participant_col("stripe"), 0);
    assert_int_equal(fx_participant_col(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mermaid_escape_is_literal),
        cmocka_unit_test(long_paths_keep_their_tail),
        cmocka_unit_test(mermaid_of_a_run),
        cmocka_unit_test(participants_have_fixed_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
