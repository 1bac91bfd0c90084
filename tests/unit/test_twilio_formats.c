/* test_twilio_formats.c: what fake_twilio reads and writes on the wire: Basic credentials,
 * form decoding (%2B is '+'), search query parsing, E.164 checks, SID and date formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/auth.h"
#include "fake_twilio/incoming.h"
#include "fake_twilio/numbers.h"
#include "fake_twilio/resource.h"
#include "fake_twilio/state.h"
#include "fakekit/clock.h"
#include "fakekit/rand.h"

static void basic_credentials(void **state)
{
    static const struct {
        const char *header, *user, *pass;
    } cases[] = {
        /* base64("ACabc:tok") and friends, made with `printf %s ... | base64` */
        {"Basic QUNhYmM6dG9r", "ACabc", "tok"},
        {"basic QUNhYmM6dG9r", "ACabc", "tok"},
        {"Basic U0sxOnM6ZWM=", "SK1", "s:ec"}, /* the password may hold ':' */
        {"Basic dTo=", "u", ""},
        {"Basic bm9jb2xvbg==", NULL, NULL}, /* "nocolon" */
        {"Bearer QUNhYmM6dG9r", NULL, NULL},
        {"Basic !!!!", NULL, NULL},
        {"Basic QUJD", NULL, NULL},          /* "ABC", no colon */
        {"Basic QUNh YmM6dG9r", NULL, NULL}, /* whitespace inside */
        {"Basic dT=o", NULL, NULL},          /* padding before the end */
        {"Basic dTp=", "u", ""},             /* leftover bits ignored: still "u:" */
        {"Basic", NULL, NULL},
        {NULL, NULL, NULL},
    };
    char user[64], pass[64];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = fk_basic_decode(cases[i].header, user, sizeof user, pass, sizeof pass);
        if (cases[i].user == NULL) {
            assert_int_equal(rc, FK_EINVAL);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_string_equal(user, cases[i].user);
        assert_string_equal(pass, cases[i].pass);
    }
    /* A user name longer than the buffer is refused, not truncated. */
    assert_int_equal(fk_basic_decode("Basic QUNhYmM6dG9r", user, 3, pass, sizeof pass), FK_EINVAL);
}

static void form_bodies_decode_plus(void **state)
{
    const char body[] = "FriendlyName=job+1&PhoneNumber=%2B15005550006&VoiceUrl=http%3A%2F%2Fx";
    struct fk_kv *f = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(fk_form_decode(body, strlen(body), 100, &f, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(f[0].value, "job 1");
    assert_string_equal(f[1].key, "PhoneNumber");
    assert_string_equal(f[1].value, "+15005550006");
    assert_string_equal(f[2].value, "http://x");
    free(f);
}

static void search_query_parsing(void **state)
{
    static const struct {
        const char *key, *value;
        int code;
    } bad[] = {
        {"PageSize", "0", 20001},
        {"PageSize", "1001", 20001},
        {"AreaCode", "41a", 21451},
        {"Contains", "5", 20001},
        {"Contains", "55-55", 20001},
        {"SmsEnabled", "yes", 20001},
        {"NearLatLong", "37.7", 20001},
        {"Distance", "501", 20001},
        {"NearNumber", "+19999999999", 20001},
    };
    const struct fk_kv good[] = {
        {"AreaCode", "415"},
        {"Contains", "+1415***$"},
        {"SmsEnabled", "true"},
        {"FaxEnabled", "false"},
        {"Beta", "false"},
        {"InRegion", "CA"},
        {"ExcludeAllAddressRequired", "true"},
        {"NearNumber", "+14155550100"},
        {"Distance", "10"},
        {"PageSize", "7"},
    };
    struct fk_req req = {0};
    struct twilio_filter f;
    char msg[256];
    long size = 0;

    (void)state;
    req.args = good;
    req.nargs = sizeof good / sizeof good[0];
    twilio_filter_init(&f, "US", TWILIO_LOCAL);
    assert_int_equal(twilio_search_filter(&req, &f, &size, msg, sizeof msg), 0);
    assert_int_equal(size, 7);
    assert_string_equal(f.area_code, "415");
    assert_string_equal(f.contains, "+1415***$");
    assert_int_equal(f.sms, 1);
    assert_int_equal(f.fax, 0);
    assert_int_equal(f.voice, -1);
    assert_false(f.beta);
    assert_true(f.exclude_all_address);
    assert_string_equal(f.in_region, "CA");
    assert_true(f.near);
    assert_true(f.distance_miles == 10);

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct fk_kv one = {bad[i].key, bad[i].value};
        req.args = &one;
        req.nargs = 1;
        twilio_filter_init(&f, "US", TWILIO_LOCAL);
        msg[0] = '\0';
        if (twilio_search_filter(&req, &f, &size, msg, sizeof msg) != bad[i].code)
            fail_msg("%s=%s: expected code %d", bad[i].key, bad[i].value, bad[i].code);
        assert_true(msg[0] != '\0');
    }
}

static void e164_and_sids(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } numbers[] = {{"+14155550100", true},       {"+442071234567", true},
                   {"14155550100", false},       {"+1415555", false},
                   {"+0123456789", false},       {"+1415555010a", false},
                   {"+1234567890123456", false}, {"", false}};
    char hex[33], sid[40];

    (void)state;
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        assert_int_equal(twilio_e164_valid(numbers[i].s), numbers[i].ok);
    assert_true(twilio_sid_valid("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "AC"));
    assert_false(twilio_sid_valid("ACaaaa", "AC"));
    assert_false(twilio_sid_valid("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "AC"));
    assert_false(twilio_sid_valid("ACgaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "AC"));
    /* PN SIDs: PN + 32 lower-case hex from fk_rand_hex (resource.c). */
    fk_rand_hex(hex, 16);
    snprintf(sid, sizeof sid, "PN%s", hex);
    assert_true(twilio_sid_valid(sid, "PN"));
    for (const char *p = hex; *p; p++)
        assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
}

static void dates_are_rfc2822(void **state)
{
    char buf[40];

    (void)state;
    /* docs/reference/twilio.md section 1's example: Thu, 30 Jul 2015 23:19:04 +0000 = 1438298344 s.
     */
    fk_rfc2822(1438298344LL * 1000000, buf, sizeof buf);
    assert_string_equal(buf, "Thu, 30 Jul 2015 23:19:04 +0000");
}

static void resource_field_rules(void **state)
{
    const char *vals[TWILIO_NFIELDS] = {0};
    char msg[128], *like;
    char longname[80];
    int code = -1;

    (void)state;
    assert_int_equal(twilio_fields_validate(vals, &code, msg, sizeof msg), 0);
    assert_int_equal(code, 0);
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (strcmp(twilio_fields[i].form, "VoiceCallerIdLookup") == 0)
            vals[i] = "maybe";
    assert_int_equal(twilio_fields_validate(vals, &code, msg, sizeof msg), FK_EINVAL);
    assert_int_equal(code, 20001);
    memset(vals, 0, sizeof vals);
    memset(longname, 'x', 65);
    longname[65] = '\0';
    vals[1] = longname; /* FriendlyName */
    assert_string_equal(twilio_fields[1].form, "FriendlyName");
    assert_int_equal(twilio_fields_validate(vals, &code, msg, sizeof msg), FK_EINVAL);
    assert_int_equal(code, 20002);
    longname[64] = '\0';
    assert_int_equal(twilio_fields_validate(vals, &code, msg, sizeof msg), 0);

    like = twilio_phone_like("+1415***01");
    assert_string_equal(like, "%+1415___01%");
    free(like);
    like = twilio_phone_like("50%_");
    assert_string_equal(like, "%50\\%\\_%");
    free(like);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_credentials),    cmocka_unit_test(form_bodies_decode_plus),
        cmocka_unit_test(search_query_parsing), cmocka_unit_test(e164_and_sids),
        cmocka_unit_test(dates_are_rfc2822),    cmocka_unit_test(resource_field_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
