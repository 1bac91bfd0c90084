/* test_fakes_timeline.c: trace attempts are matched to journal entries, steps become notes
 * just before the next matched request, and attempts no fake saw become client rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/timeline.h"

static const char *const supabase_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000100Z\",\"method\":\"GET\","
    "\"path\":\"/auth/v1/user\",\"status\":200,\"duration_us\":900},"
    "{\"seq\":2,\"time\":\"2024-05-01T12:00:00.000900Z\",\"method\":\"POST\","
    "\"path\":\"/rest/v1/phone_numbers\",\"status\":201,\"duration_us\":900}]";
static const char *const twilio_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000300Z\",\"method\":\"POST\","
    "\"path\":\"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json\",\"status\":500,"
    "\"fault\":\"once\",\"duration_us\":100},"
    "{\"seq\":2,\"time\":\"2024-05-01T12:00:00.000500Z\",\"method\":\"POST\","
    "\"path\":\"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json\",\"status\":201,"
    "\"duration_us\":100}]";

/* A trace as the provisioner writes it, plus noise: a text line and a blank line. */
static const char *const trace =
    "{\"t_ms\":0,\"event\":\"step\",\"step\":\"auth\",\"result\":\"start\"}\n"
    "{\"event\":\"attempt\",\"step\":\"auth\",\"attempt\":1,\"service\":\"supabase\","
    "\"method\":\"GET\",\"path\":\"/auth/v1/user\",\"status\":200,\"ms\":1,\"outcome\":\"ok\"}\n"
    "+    3ms  purchase     start\n"
    "\n"
    "{\"event\":\"step\",\"step\":\"purchase\",\"result\":\"start\",\"detail\":\"+15005550006\"}\n"
    "{\"event\":\"attempt\",\"step\":\"purchase\",\"attempt\":1,\"service\":\"Twilio\","
    "\"method\":\"POST\",\"path\":\"http://127.0.0.1:1/2010-04-01/Accounts/AC1/"
    "IncomingPhoneNumbers.json?x=1\",\"status\":500,\"ms\":1,\"outcome\":\"retry\"}\n"
    "{\"event\":\"attempt\",\"step\":\"purchase\",\"attempt\":2,\"service\":\"twilio\","
    "\"method\":\"POST\",\"path\":\"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json\","
    "\"status\":201,\"ms\":1,\"outcome\":\"ok\"}\n"
    "{\"event\":\"step\",\"step\":\"register\",\"result\":\"start\"}\n"
    "{\"event\":\"attempt\",\"step\":\"register\",\"attempt\":1,\"service\":\"livekit\","
    "\"method\":\"POST\",\"path\":\"/twirp/livekit.SIP/CreateSIPInboundTrunk\",\"status\":null,"
    "\"ms\":3000,\"outcome\":\"connect refused\"}\n"
    "{\"event\":\"step\",\"step\":\"done\",\"result\":\"failed\"}";

static void load(struct fx_merged *m)
{
    struct fk_error err = {{0}};

    fx_merged_init(m);
    assert_int_equal(fx_merged_add(m, "supabase", cJSON_Parse(supabase_j), &err), 0);
    assert_int_equal(fx_merged_add(m, "twilio", cJSON_Parse(twilio_j), &err), 0);
    fx_merged_sort(m);
}

struct want_row {
    enum fx_row_kind kind;
    const char *service; /* NULL for notes */
    const char *text;    /* path for requests, note text for notes */
    const char *step;
    long attempt;
};

static void check_rows(const struct fx_timeline *t, const struct want_row *want, size_t n)
{
    assert_int_equal(t->n, n);
    for (size_t i = 0; i < n; i++) {
        const struct fx_row *r = &t->rows[i];
        if (r->kind != want[i].kind)
            fail_msg("row %zu: kind %d, want %d", i, (int)r->kind, (int)want[i].kind);
        if (want[i].service != NULL)
            assert_string_equal(r->service, want[i].service);
        assert_string_equal(r->kind == FX_ROW_NOTE ? r->outcome : r->path, want[i].text);
        if (want[i].step != NULL)
            assert_string_equal(r->step, want[i].step);
        else
            assert_null(r->step);
        assert_int_equal(r->attempt, want[i].attempt);
    }
}

static void trace_interleaves_with_journal(void **state)
{
    static const char *const ipn = "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json";
    const struct want_row want[] = {
        {FX_ROW_NOTE, NULL, "auth: start", "auth", 0},
        {FX_ROW_REQUEST, "supabase", "/auth/v1/user", "auth", 1},
        {FX_ROW_NOTE, NULL, "purchase: start +15005550006", "purchase", 0},
        {FX_ROW_REQUEST, "twilio", ipn, "purchase", 1},
        {FX_ROW_REQUEST, "twilio", ipn, "purchase", 2},
        /* Trace items go right after the last matched request... */
        {FX_ROW_NOTE, NULL, "register: start", "register", 0},
        {FX_ROW_CLIENT, "livekit", "/twirp/livekit.SIP/CreateSIPInboundTrunk", "register", 1},
        /* ...so a request the trace never mentions keeps its journal place after them. */
        {FX_ROW_REQUEST, "supabase", "/rest/v1/phone_numbers", NULL, 0},
        {FX_ROW_NOTE, NULL, "done: failed", "done", 0},
    };
    struct fx_merged m;
    struct fx_timeline t;

    (void)state; /* no fixture */
    load(&m);
    assert_int_equal(fx_timeline_build(&t, &m, trace), 0);
    check_rows(&t, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(t.matched, 3);
    assert_string_equal(t.rows[3].fault, "once");
    assert_string_equal(t.rows[3].outcome, "retry");
    assert_int_equal(t.rows[6].status, 0);
    assert_string_equal(t.rows[6].outcome, "connect refused");
    /* A client row borrows the time of the request before it, so gaps are not invented. */
    assert_int_equal(t.rows[6].time_us, t.rows[4].time_us);
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
}

static void without_trace_rows_are_the_journal(void **state)
{
    struct fx_merged m;
    struct fx_timeline t;

    (void)state; /* no fixture */
    load(&m);
    assert_int_equal(fx_timeline_build(&t, &m, NULL), 0);
    assert_int_equal(t.n, 4);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.rows[i].kind, FX_ROW_REQUEST);
        assert_string_equal(t.rows[i].path, m.entries[i].path);
        assert_int_equal(t.rows[i].time_us, m.entries[i].time_us);
    }
    assert_int_equal(t.matched, 0);
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
}

static void empty_journal_and_trace_give_only_notes(void **state)
{
    struct fx_merged m;
    struct fx_timeline t;

    (void)state; /* no fixture */
    fx_merged_init(&m);
    assert_int_equal(fx_timeline_build(&t, &m, "{\"step\":\"x\",\"outcome\":\"y\"}\nnot json\n"),
                     0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.rows[0].kind, FX_ROW_NOTE);
    assert_string_equal(t.rows[0].outcome, "x: y");
    fx_timeline_cleanup(&t);
    fx_merged_cleanup(&m);
}

struct canon_case {
    const char *in, *want;
};

static void service_names_are_canonical(void **state)
{
    static const struct canon_case cases[] = {
        {"twilio", "twilio"},
        {"Twilio API", "twilio"},
        {"SUPABASE", "supabase"},
        {"supabase-rest", "supabase"},
        {"LiveKit", "livekit"},
        {"Stripe", "stripe"},
        {NULL, ""},
    };
    char buf[32];

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(fx_service_canon(cases[i].in, buf, sizeof(buf)), cases[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_interleaves_with_journal),
        cmocka_unit_test(without_trace_rows_are_the_journal),
        cmocka_unit_test(empty_journal_and_trace_give_only_notes),
        cmocka_unit_test(service_names_are_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
