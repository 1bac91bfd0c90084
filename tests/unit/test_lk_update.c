/* test_lk_update.c: ListUpdate validation and application, optional fields and map diffs,
 * as livekit/protocol applies a SIP*Update (livekit/types.go:448-531 at 17c16cf), and media
 * after an update (updateMediaConfig, livekit/sip.go:1304). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/update.h"
#include "fake_livekit/validate.h"

struct lu_case {
    const char *before; /* {"numbers": [...]} or {} */
    const char *update; /* ListUpdate (sparse) */
    const char *want;   /* numbers afterwards, compact JSON; NULL when invalid */
    const char *err;
};

static const struct lu_case lu_cases[] = {
    {"{\"numbers\":[\"a\",\"b\"]}", "{\"add\":[\"c\"],\"remove\":[\"a\"]}", "[\"b\",\"c\"]", NULL},
    {"{\"numbers\":[\"a\",\"b\"]}", "{\"add\":[\"b\",\"c\",\"c\"]}", "[\"a\",\"b\",\"c\"]", NULL},
    {"{\"numbers\":[\"a\",\"a\"]}", "{\"remove\":[\"a\"]}", "[\"a\"]", NULL},
    {"{\"numbers\":[\"a\"]}", "{\"remove\":[\"x\"]}", "[\"a\"]", NULL},
    {"{\"numbers\":[\"a\"]}", "{\"set\":[\"x\",\"y\"]}", "[\"x\",\"y\"]", NULL},
    {"{\"numbers\":[\"a\"]}", "{\"clear\":true}", "[]", NULL},
    {"{}", "{\"add\":[\"a\"]}", "[\"a\"]", NULL},
    {"{}", "{}", NULL, "unsupported list update operation"},
    {"{}", "{\"clear\":true,\"add\":[\"a\"]}", NULL,
     "cannot clear and change the list at the same time"},
    {"{}", "{\"set\":[\"a\"],\"remove\":[\"b\"]}", NULL,
     "cannot set and change the list at the same time"},
    {"{}", "{\"add\":[\"\"]}", NULL, "empty element in the list"},
};

static void list_updates(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(lu_cases) / sizeof(lu_cases[0]); i++) {
        const struct lu_case *c = &lu_cases[i];
        struct lk_verr err;
        cJSON *obj = cJSON_Parse(c->before);
        cJSON *lu = cJSON_Parse(c->update);
        lk_verr_init(&err);
        int rc = lk_validate_list_update(lu, &err);
        if (!c->want) {
            assert_int_equal(rc, FK_EINVAL);
            assert_string_equal(lk_verr_text(&err), c->err);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(lk_list_update_apply(obj, "numbers", lu), 0);
            char *got = cJSON_PrintUnformatted(cJSON_GetObjectItem(obj, "numbers"));
            if (strcmp(got, c->want) != 0)
                fail_msg("case %zu: got %s, want %s", i, got, c->want);
            cJSON_free(got);
        }
        lk_verr_cleanup(&err);
        cJSON_Delete(obj);
        cJSON_Delete(lu);
    }
}

static void no_update_is_valid_and_a_no_op(void **state)
{
    cJSON *obj = cJSON_Parse("{\"numbers\":[\"a\"]}");
    (void)state; /* no fixture */
    assert_int_equal(lk_validate_list_update(NULL, NULL), 0);
    assert_int_equal(lk_list_update_apply(obj, "numbers", NULL), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(obj, "numbers")), 1);
    cJSON_Delete(obj);
}

static void optional_fields_overwrite_only_when_present(void **state)
{
    cJSON *obj = cJSON_Parse("{\"name\":\"old\",\"auth_username\":\"u\",\"metadata\":\"m\"}");
    cJSON *upd = cJSON_Parse("{\"name\":\"new\",\"auth_username\":\"\"}");
    (void)state; /* no fixture */
    assert_int_equal(lk_apply_present(obj, upd, "name"), 0);
    assert_int_equal(lk_apply_present(obj, upd, "auth_username"), 0);
    assert_int_equal(lk_apply_present(obj, upd, "metadata"), 0);
    char *got = cJSON_PrintUnformatted(obj);
    assert_string_equal(got, "{\"metadata\":\"m\",\"name\":\"new\",\"auth_username\":\"\"}");
    cJSON_free(got);
    cJSON_Delete(obj);
    cJSON_Delete(upd);
}

static void map_diff_sets_and_deletes(void **state)
{
    cJSON *obj = cJSON_Parse("{\"attributes\":{\"a\":\"1\",\"b\":\"2\"}}");
    cJSON *upd = cJSON_Parse("{\"attributes\":{\"a\":\"\",\"c\":\"3\"}}");
    cJSON *empty = cJSON_Parse("{}");
    (void)state; /* no fixture */
    assert_int_equal(lk_apply_map_diff(obj, upd, "attributes"), 0);
    char *got = cJSON_PrintUnformatted(obj);
    assert_string_equal(got, "{\"attributes\":{\"b\":\"2\",\"c\":\"3\"}}");
    cJSON_free(got);
    assert_int_equal(lk_apply_map_diff(empty, upd, "attributes"), 0);
    got = cJSON_PrintUnformatted(empty);
    assert_string_equal(got, "{\"attributes\":{\"c\":\"3\"}}");
    cJSON_free(got);
    cJSON_Delete(obj);
    cJSON_Delete(upd);
    cJSON_Delete(empty);
}

/* updateMediaConfig (livekit/sip.go:1304) with UpgradeWith (sip.go:1274): before, update,
 * then media and media_encryption afterwards (enums as numbers: 1 ALLOW, 2 REQUIRE). */
static void media_updates(void **state)
{
    static const char *const cases[][3] = {
        {"{}", "{}", "{\"media\":{},\"media_encryption\":0}"},
        {"{\"media_encryption\":1}", "{}", "{\"media_encryption\":1,\"media\":{\"encryption\":1}}"},
        /* media.encryption wins over the legacy field the update sets. */
        {"{\"media\":{\"encryption\":2}}", "{\"media_encryption\":0}",
         "{\"media\":{\"encryption\":2},\"media_encryption\":2}"},
        /* A new media replaces the old whole, then takes the legacy field. */
        {"{\"media_encryption\":1,\"media\":{\"only_listed_codecs\":true}}",
         "{\"media\":{\"codecs\":[{\"name\":\"PCMU\"}]}}",
         "{\"media_encryption\":1,\"media\":{\"codecs\":[{\"name\":\"PCMU\"}],"
         "\"encryption\":1}}"},
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *info = cJSON_Parse(cases[i][0]), *upd = cJSON_Parse(cases[i][1]);
        cJSON *want = cJSON_Parse(cases[i][2]);
        assert_int_equal(lk_update_media(info, upd), 0);
        if (!cJSON_Compare(info, want, true)) {
            char *got = cJSON_PrintUnformatted(info);
            fail_msg("case %zu: %s", i, got);
        }
        cJSON_Delete(info);
        cJSON_Delete(upd);
        cJSON_Delete(want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(media_updates),
        cmocka_unit_test(list_updates),
        cmocka_unit_test(no_update_is_valid_and_a_no_op),
        cmocka_unit_test(optional_fields_overwrite_only_when_present),
        cmocka_unit_test(map_diff_sets_and_deletes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
