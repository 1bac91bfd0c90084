/* test_json.c: the JSON getters accept what they should and say exactly where a document
 * is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/json.h"

enum getter { GET_STRING, GET_INT, GET_NUMBER, GET_BOOL, GET_OBJECT, GET_ARRAY };

struct get_case {
    const char *doc;
    enum getter getter;
    const char *key;
    const char *path;
    bool required;
    int want_rc;
    const char *want_err; /* when want_rc != 0 */
};

static const struct get_case get_cases[] = {
    /* present and right */
    {"{\"method\":\"GET\"}", GET_STRING, "method", "faults[2].match", true, 0, NULL},
    {"{\"n\":10}", GET_INT, "n", "x", true, 0, NULL},
    {"{\"n\":0}", GET_INT, "n", "x", true, 0, NULL},
    {"{\"p\":0.5}", GET_NUMBER, "p", "x", true, 0, NULL},
    {"{\"b\":false}", GET_BOOL, "b", "x", true, 0, NULL},
    {"{\"o\":{}}", GET_OBJECT, "o", "x", true, 0, NULL},
    {"{\"a\":[]}", GET_ARRAY, "a", "x", true, 0, NULL},
    /* absent and optional */
    {"{}", GET_STRING, "method", "x", false, 0, NULL},
    {"{}", GET_INT, "n", "x", false, 0, NULL},
    {"{}", GET_OBJECT, "o", "x", false, 0, NULL},
    /* absent and required */
    {"{}", GET_STRING, "y", "x", true, FK_EINVAL, "x.y: required"},
    {"{}", GET_ARRAY, "faults", "", true, FK_EINVAL, "faults: required"},
    {"{\"Y\":1}", GET_INT, "y", "x", true, FK_EINVAL, "x.y: required"}, /* keys are exact */
    /* wrong type */
    {"{\"method\":5}", GET_STRING, "method", "faults[2].match", true, FK_EINVAL,
     "faults[2].match.method: expected a string"},
    {"{\"method\":null}", GET_STRING, "method", "faults[2].match", false, FK_EINVAL,
     "faults[2].match.method: expected a string"},
    {"{\"n\":\"3\"}", GET_INT, "n", "x", true, FK_EINVAL, "x.n: expected an integer from 0 to 10"},
    {"{\"n\":11}", GET_INT, "n", "x", true, FK_EINVAL, "x.n: expected an integer from 0 to 10"},
    {"{\"n\":-1}", GET_INT, "n", "x", true, FK_EINVAL, "x.n: expected an integer from 0 to 10"},
    {"{\"n\":2.5}", GET_INT, "n", "x", true, FK_EINVAL, "x.n: expected an integer from 0 to 10"},
    {"{\"n\":1e300}", GET_INT, "n", "x", true, FK_EINVAL, "x.n: expected an integer from 0 to 10"},
    {"{\"p\":1.5}", GET_NUMBER, "p", "x", true, FK_EINVAL, "x.p: expected a number from 0 to 1"},
    {"{\"p\":true}", GET_NUMBER, "p", "x", true, FK_EINVAL, "x.p: expected a number from 0 to 1"},
    {"{\"b\":1}", GET_BOOL, "b", "x", true, FK_EINVAL, "x.b: expected true or false"},
    {"{\"o\":[]}", GET_OBJECT, "o", "x", true, FK_EINVAL, "x.o: expected an object"},
    {"{\"a\":{}}", GET_ARRAY, "a", "x", true, FK_EINVAL, "x.a: expected an array"},
    /* the container itself is not an object */
    {"[1]", GET_STRING, "y", "faults[0]", true, FK_EINVAL, "faults[0]: expected an object"},
};

static int run_getter(const struct get_case *c, const cJSON *doc, struct fk_error *err)
{
    const char *s = NULL;
    long long i = -7;
    double d = -7;
    bool b = true;
    const cJSON *item = NULL;
    int rc = FK_EINVAL;

    switch (c->getter) {
    case GET_STRING:
        rc = fk_json_get_string(doc, c->key, c->path, c->required, &s, err);
        if (rc == 0 && cJSON_GetObjectItemCaseSensitive(doc, c->key) == NULL)
            assert_null(s); /* absent leaves *out untouched */
        else if (rc == 0)
            assert_string_equal(s, "GET");
        break;
    case GET_INT:
        rc = fk_json_get_int(doc, c->key, c->path, c->required, 0, 10, &i, err);
        if (rc == 0 && cJSON_GetObjectItemCaseSensitive(doc, c->key) != NULL)
            assert_int_equal(i, cJSON_GetNumberValue(cJSON_GetObjectItem(doc, c->key)));
        else
            assert_int_equal(i, -7);
        break;
    case GET_NUMBER:
        rc = fk_json_get_number(doc, c->key, c->path, c->required, 0, 1, &d, err);
        if (rc == 0)
            assert_true(d == 0.5);
        else
            assert_true(d == -7);
        break;
    case GET_BOOL:
        rc = fk_json_get_bool(doc, c->key, c->path, c->required, &b, err);
        assert_int_equal(b, rc == 0 ? false : true);
        break;
    case GET_OBJECT:
        rc = fk_json_get_object(doc, c->key, c->path, c->required, &item, err);
        if (rc == 0 && cJSON_GetObjectItemCaseSensitive(doc, c->key) != NULL)
            assert_true(cJSON_IsObject(item));
        break;
    case GET_ARRAY:
        rc = fk_json_get_array(doc, c->key, c->path, c->required, &item, err);
        if (rc == 0)
            assert_true(cJSON_IsArray(item));
        break;
    }
    return rc;
}

static void getters(void **state)
{
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof get_cases / sizeof get_cases[0]; i++) {
        const struct get_case *c = &get_cases[i];
        cJSON *doc = cJSON_Parse(c->doc);
        struct fk_error err = {{0}};
        int rc;

        assert_non_null(doc);
        rc = run_getter(c, doc, &err);
        if (rc != c->want_rc)
            print_error("case %zu (%s): rc %d err '%s'\n", i, c->doc, rc, err.msg);
        assert_int_equal(rc, c->want_rc);
        if (rc != 0)
            assert_string_equal(err.msg, c->want_err);
        cJSON_Delete(doc);
    }
}

static void int_bounds_at_the_extremes(void **state)
{
    cJSON *doc = cJSON_Parse("{\"big\":9007199254740992,\"neg\":-42}");
    struct fk_error err = {{0}};
    long long v = 0;

    (void)state; /* no fixture */
    assert_int_equal(fk_json_get_int(doc, "big", "", true, 0, 9007199254740992LL, &v, &err), 0);
    assert_true(v == 9007199254740992LL);
    assert_int_equal(fk_json_get_int(doc, "neg", "", true, -100, 100, &v, &err), 0);
    assert_int_equal(v, -42);
    assert_int_equal(fk_json_get_int(doc, "big", "", true, 0, 100, &v, &err), FK_EINVAL);
    assert_string_equal(err.msg, "big: expected an integer from 0 to 100");
    cJSON_Delete(doc);
}

struct keys_case {
    const char *doc;
    const char *path;
    int want_rc;
    const char *want_err;
};

static const struct keys_case keys_cases[] = {
    {"{}", "x", 0, NULL},
    {"{\"id\":1,\"match\":{}}", "faults[0]", 0, NULL},
    {"{\"id\":1,\"y\":2}", "x", FK_EINVAL, "x.y: unknown key"},
    {"{\"Id\":1}", "faults[3]", FK_EINVAL, "faults[3].Id: unknown key"},
    {"{\"extra\":1}", "", FK_EINVAL, "extra: unknown key"},
    {"[]", "x", FK_EINVAL, "x: expected an object"},
};

static void check_keys(void **state)
{
    static const char *const allowed[] = {"id", "match", NULL};
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof keys_cases / sizeof keys_cases[0]; i++) {
        const struct keys_case *c = &keys_cases[i];
        cJSON *doc = cJSON_Parse(c->doc);
        struct fk_error err = {{0}};

        assert_non_null(doc);
        assert_int_equal(fk_json_check_keys(doc, c->path, allowed, &err), c->want_rc);
        if (c->want_rc != 0)
            assert_string_equal(err.msg, c->want_err);
        cJSON_Delete(doc);
    }
}

static void print_and_add(void **state)
{
    cJSON *obj = cJSON_CreateObject();
    char *text;

    (void)state; /* no fixture */
    assert_int_equal(fk_json_add_string_or_null(obj, "a", "x"), 0);
    assert_int_equal(fk_json_add_string_or_null(obj, "b", NULL), 0);
    text = fk_json_print(obj);
    assert_string_equal(text, "{\"a\":\"x\",\"b\":null}");
    cJSON_free(text);
    cJSON_Delete(obj);
}

/* fk_json_parse: one value, and a repeated key means its last value, at every depth. */
static const struct {
    const char *in;
    enum fk_json_dups dups;
    const char *out; /* compact text, NULL when the input must be refused */
    size_t len;      /* of in, when it holds a NUL; 0: strlen */
} parse_cases[] = {
    {"{\"role\":\"x\",\"role\":\"service_role\"}", FK_JSON_LAST, "{\"role\":\"service_role\"}", 0},
    {"{\"a\":1,\"b\":2,\"a\":3}", FK_JSON_LAST, "{\"b\":2,\"a\":3}", 0},
    {"{\"a\":{\"x\":1,\"x\":2},\"l\":[{\"y\":1,\"y\":null}]}", FK_JSON_LAST,
     "{\"a\":{\"x\":2},\"l\":[{\"y\":null}]}", 0},
    {"{\"a\":{\"x\":1},\"a\":{\"y\":2}}", FK_JSON_LAST, "{\"a\":{\"y\":2}}", 0}, /* no merge */
    {"{\"A\":1,\"a\":2}", FK_JSON_LAST, "{\"A\":1,\"a\":2}", 0},                 /* exact bytes */
    {"{\"a\":1,\"a\":2}", FK_JSON_KEEP, "{\"a\":1,\"a\":2}", 0},
    {" [1, {\"k\":1}]\r\n", FK_JSON_LAST, "[1,{\"k\":1}]", 0},
    {"{} x", FK_JSON_LAST, NULL, 0}, /* trailing text */
    {"{}{}", FK_JSON_LAST, NULL, 0},
    {"{\"a\":\"x\\u0000y\"}", FK_JSON_LAST, NULL, 0}, /* the escape u0000 would cut it */
    {"{\"a\0b\":1}", FK_JSON_LAST, NULL, 10},         /* so would a raw NUL */
    {"{\"a\":\"tab\there\"}", FK_JSON_LAST, NULL, 0}, /* a raw control character */
    {"{\"a\":\"x\\\\u0000\"}", FK_JSON_LAST, "{\"a\":\"x\\\\u0000\"}",
     0}, /* an escaped backslash */
    {"", FK_JSON_LAST, NULL, 0},
};

static void parse_last_key_wins(void **state)
{
    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        struct fk_error err = {{0}};
        size_t len = parse_cases[i].len ? parse_cases[i].len : strlen(parse_cases[i].in);
        cJSON *j;
        char *text;

        j = fk_json_parse(parse_cases[i].in, len, parse_cases[i].dups, &err);
        if (parse_cases[i].out == NULL) {
            if (j != NULL)
                fail_msg("case %zu: parsed, expected a refusal", i);
            assert_non_null(strstr(err.msg, "invalid JSON at offset"));
            continue;
        }
        if (j == NULL)
            fail_msg("case %zu: %s", i, err.msg);
        text = fk_json_print(j);
        assert_string_equal(text, parse_cases[i].out);
        cJSON_free(text);
        cJSON_Delete(j);
    }
}

static void parse_large_objects_in_linear_time(void **state)
{
    enum { N = 100000 };
    size_t cap = (size_t)N * 24 + 16, n = 0;
    char *doc = malloc(cap);
    cJSON *j;

    (void)state; /* no fixture */
    assert_non_null(doc);
    doc[n++] = '{';
    for (int i = 0; i < N; i++) /* distinct keys, and every tenth one repeated */
        n += (size_t)snprintf(doc + n, cap - n, "\"k%d\":%d,", i % 10 == 9 ? i - 1 : i, i);
    memcpy(doc + n - 1, "}", 2);
    j = fk_json_parse(doc, n, FK_JSON_LAST, NULL);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(j), N - N / 10);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(j, "k8")->valueint, 9);
    cJSON_Delete(j);
    free(doc);
}

/* Each number keeps the text it was written as, at any depth and after the last key won;
 * numbers cJSON takes but RFC 8259 does not are refused where they stand. */
static void parse_keeps_number_text(void **state)
{
    static const char doc[] =
        "\xEF\xBB\xBF { \"a\" : [1.50, {\"x\\\"]\":-0e+1}, \"s,1\", true, null],"
        " \"b\":1, \"b\" : 9223372036854775807 } ";
    static const char *const bad[] = {"01", "[1.]", "{\"a\":-01}", "[1.e5]", "[-]"};
    struct fk_error err = {{0}};
    cJSON *j = fk_json_parse(doc, sizeof(doc) - 1, FK_JSON_LAST, &err);

    (void)state; /* no fixture */
    assert_non_null(j);
    const cJSON *a = cJSON_GetObjectItem(j, "a");
    assert_string_equal(fk_json_number_text(cJSON_GetArrayItem(a, 0)), "1.50");
    assert_string_equal(fk_json_number_text(cJSON_GetArrayItem(a, 1)->child), "-0e+1");
    assert_null(fk_json_number_text(cJSON_GetArrayItem(a, 2)));
    assert_string_equal(fk_json_number_text(cJSON_GetObjectItem(j, "b")), "9223372036854775807");
    cJSON *copy = cJSON_Duplicate(j, true);
    assert_string_equal(fk_json_number_text(cJSON_GetObjectItem(copy, "b")), "9223372036854775807");
    char *text = fk_json_print(j); /* printing still writes the double */
    assert_non_null(strstr(text, "[1.5,"));
    cJSON_free(text);
    cJSON_Delete(copy);
    cJSON_Delete(j);
    assert_null(fk_json_number_text(NULL));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        j = fk_json_parse(bad[i], strlen(bad[i]), FK_JSON_LAST, &err);
        if (j != NULL)
            fail_msg("%s parsed", bad[i]);
        assert_non_null(strstr(err.msg, "invalid JSON at offset"));
    }
}

static void error_set_truncates_and_accepts_null(void **state)
{
    struct fk_error err;
    char big[FK_ERRMSG_MAX * 2];

    (void)state; /* no fixture */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    fk_error_set(&err, "%s", big);
    assert_int_equal(strlen(err.msg), FK_ERRMSG_MAX - 1);
    fk_error_set(NULL, "ignored %d", 1);
    assert_string_equal(fk_strerror(FK_ENOMEM), "out of memory");
    assert_string_equal(fk_strerror(12345), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(getters),
        cmocka_unit_test(int_bounds_at_the_extremes),
        cmocka_unit_test(check_keys),
        cmocka_unit_test(print_and_add),
        cmocka_unit_test(error_set_truncates_and_accepts_null),
        cmocka_unit_test(parse_last_key_wins),
        cmocka_unit_test(parse_large_objects_in_linear_time),
        cmocka_unit_test(parse_keeps_number_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
