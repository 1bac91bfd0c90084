/* test_pg_diff_cases.h: the literals and pairs test_pg_diff.c sends to the type layer and
 * to PostgreSQL: hand-picked edge cases per type plus generated ones (a fixed xorshift seed,
 * so every run sends the same). Included once, by test_pg_diff.c, after add() and addf(). */
#ifndef TEST_PG_DIFF_CASES_H
#define TEST_PG_DIFF_CASES_H

/* ---- literals ---- */

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static void ints(const char *type)
{
    static const char *const odd[] = {"",    " ",    "1.5", "1e3", "0x10", "--1", "+",     "-",
                                      "12a", " 42 ", "+7",  "-0",  "007",  "1 2", "\t9\n", "abc"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int p = 0; p <= 64; p++) {
        unsigned long long v = p == 64 ? ~0ull : 1ull << p;
        addf(type, "%llu", v - 1);
        addf(type, "%llu", v);
        addf(type, "-%llu", v);
        if (p < 64)
            addf(type, "%llu", v + 1);
    }
    for (int i = 0; i < 40; i++)
        addf(type, "%s%u", rnd(2) ? "-" : "", rnd(100000));
}

static void floats(const char *type)
{
    static const char *const odd[] = {"NaN",
                                      "nan",
                                      "Infinity",
                                      "-Infinity",
                                      "inf",
                                      "+inf",
                                      "-inf",
                                      "1e400",
                                      "-1e400",
                                      "1e-400",
                                      "0",
                                      "-0",
                                      "x",
                                      "",
                                      " 1.5 ",
                                      "1.",
                                      ".5",
                                      "1e",
                                      "3.4028235e38",
                                      "3.5e38",
                                      "1e-46",
                                      "2.2250738585072014e-308"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int e = -12; e <= 22; e++) {
        addf(type, "1e%d", e);
        addf(type, "-2.5e%d", e);
        addf(type, "%.17g", 1.0 / 3.0 * (e < 0 ? 1e-3 : 1e3));
    }
    for (int i = 0; i < 60; i++)
        addf(type, "%s%u.%u", rnd(2) ? "-" : "", rnd(1000000), rnd(1000000));
    for (int i = 0; i < 30; i++)
        addf(type, "%.*g", 1 + (int)rnd(17), (double)rnd(1000000) / (1 + rnd(999)));
}

static void numerics(const char *type)
{
    static const char *const odd[] = {
        "NaN", "abc",    "",      "1e",     "1.2.3",        " 12.5 ",
        "-0",  "0.005",  "0.015", "-0.005", "99999999.994", "99999999.995",
        "1e5", "1.5e-3", "+.5",   "5."};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int i = 0; i < 120; i++) {
        /* no trailing zero: unconstrained numeric keeps its display scale, the fake does
         * not (pgtype.h) */
        unsigned frac = rnd(5);
        addf(type, "%s%u%s%.*u%s", rnd(3) == 0 ? "-" : "", rnd(10000000), frac ? "." : "",
             (int)frac, frac ? rnd(10000) : 0, frac ? "7" : "");
    }
}

static void uuids(void)
{
    static const char *const odd[] = {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                                      "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                                      "a0eebc999c0b4ef8bb6d6bb9bd380a11",
                                      "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
                                      "{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
                                      "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11",
                                      " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
                                      "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                                      "a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11",
                                      "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "",
                                      "nope",
                                      "00000000-0000-0000-0000-000000000000"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add("uuid", odd[i], NULL);
    for (int i = 0; i < 60; i++)
        addf("uuid", "%04X%04x-%04x-%04X-%04x-%04x%04x%04X", rnd(65536), rnd(65536), rnd(65536),
             rnd(65536), rnd(65536), rnd(65536), rnd(65536), rnd(65536));
}

static void times(const char *type)
{
    static const char *const odd[] = {"2026-06-01 12:00:30+02",
                                      "2026-06-01T10:00:30Z",
                                      "2026-06-01T10:00:30.25Z",
                                      "2026-06-01T10:00:30.250000Z",
                                      "2026-01-01 00:00:00+00",
                                      "2026-06-01",
                                      "2026-06-01 10:00",
                                      "2026-06-01T10:00:30.1234567Z",
                                      "2026-06-01T10:00:30.9999996Z",
                                      "2026-06-01 10:00:30 +05:30",
                                      "2026-06-01 10:00:30-0800",
                                      "2026-06-01 10:00:30 UTC",
                                      "20260601T100030Z",
                                      "20260601",
                                      "2026-13-01",
                                      "2026-02-29",
                                      "2024-02-29",
                                      "2026-04-31",
                                      "2026-06-01 24:00:00",
                                      "2026-06-01 24:00:01",
                                      "2026-06-01 23:59:60",
                                      "2026-06-01 25:00",
                                      "2026-06-01 10:60",
                                      "garbage",
                                      "",
                                      "2026-06-01 10:00:30+16",
                                      "2026-06-01 10:00:30+15:59",
                                      "  2026-06-01 10:00:30Z  ",
                                      "2026-6-1 1:2:3",
                                      "infinity",
                                      "-infinity",
                                      "epoch",
                                      "2026-06-01T10:00:30z",
                                      "2026-06-01 10:00:30.5+02:00",
                                      "10:00:30",
                                      "10:00",
                                      "23:59:59.999999",
                                      "00:00:00",
                                      "0001-01-01 00:00:00+00"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int i = 0; i < 120; i++) {
        int off = (int)rnd(27) - 13;
        char frac[16] = "";
        if (rnd(2))
            snprintf(frac, sizeof frac, ".%.*u", 1 + (int)rnd(6), rnd(1000000));
        addf(type, "%04u-%02u-%02u%c%02u:%02u:%02u%s%s%+03d:%02u", 1970 + rnd(100), 1 + rnd(12),
             1 + rnd(28), rnd(2) ? 'T' : ' ', rnd(24), rnd(60), rnd(60), frac, rnd(3) ? "" : " ",
             off, rnd(2) ? 0 : 30);
    }
}

static void texts(void)
{
    static const char *const words[] = {
        "apple",  "Apple",   "APPLE", "banana", "Banana", "éclair", "Éclair", "eclair", "zebra",
        "Zebra",  "a",       "A",     "b",      "B",      "",       " ",      "a b",    "ab",
        "a-b",    "a_b",     "a.b",   "1",      "10",     "9",      "Ä",      "ä",      "z",
        "straße", "strasse", "ß",     "co-op",  "coop",   "co op",  "naïve",  "naive",  "résumé",
        "resume", "Resume",  "😀",     "中文",   "日本",   "ñ",      "n",      "o",      "Ω",
        "ω",      "x1",      "X1",    "a1",     "a10",    "a2",     "_x",     "-x",     ".x",
        "~x",     "!x",      "#",     "$",      "@",      "Å",      "å",      "aa"};
    size_t n = sizeof words / sizeof words[0];

    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k += 1 + rnd(3))
            add("text", words[i], words[k]);
}

/* No '30 days' or '720 hours' beside '1 mon': equal in PostgreSQL, two values in the fake
 * (pgtype.h). */
static void intervals(const char *type)
{
    static const char *const odd[] = {"1 day",
                                      "2 days 3 hours",
                                      "1 year 2 months",
                                      "3 mons",
                                      "1 day 02:00:00",
                                      "02:00:00",
                                      "-1 day",
                                      "1 day ago",
                                      "@ 1 day",
                                      "1.5 days",
                                      "P1Y2M3DT4H5M6S",
                                      "PT1.5S",
                                      "1 week",
                                      "1 hour 30 minutes",
                                      "90 minutes",
                                      "1 millennium",
                                      "1 decade 1 century",
                                      "5",
                                      "0",
                                      "00:00:00",
                                      "-02:30",
                                      "1 day -01:00:00",
                                      "-1 day +02:00:00",
                                      "1.5 months",
                                      "1.5 years",
                                      "10 ms",
                                      "1 us",
                                      "1 mon 30 days",
                                      "1 mon",
                                      "",
                                      "abc",
                                      "1 fortnight",
                                      "1 day 2",
                                      "3h",
                                      "2d",
                                      "-1.25 hours",
                                      "1 year -1 mon",
                                      "P2W",
                                      "100000 years",
                                      "12:34:56.789",
                                      "1 days 1 days"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int i = 0; i < 40; i++)
        addf(type, "%s%u years %u mons %s%u days %02u:%02u:%02u", rnd(4) ? "" : "-", rnd(5),
             rnd(12), rnd(3) ? "" : "-", rnd(40), rnd(48), rnd(60), rnd(60));
}

static void structured(void)
{
    static const char *const jsonb[] = {"{\"b\":1,\"aa\":2,\"b\":3}",
                                        "[1, \"x\", null, true, false]",
                                        "{}",
                                        "[]",
                                        "\"s\"",
                                        "{\"a\":{\"z\":[1,{\"y\":2,\"x\":1}]}}",
                                        "{x",
                                        "",
                                        "12",
                                        "-3",
                                        "null",
                                        "true",
                                        "{\"k\": \"v\\n\\u00e9\"}",
                                        "{\"a\":1,}",
                                        "[1,2"};
    static const char *const arrays[][2] = {
        {"text[]", "{a,\"b,c\",NULL, d }"},
        {"text[]", "{}"},
        {"text[]", "{\"\"}"},
        {"text[]", "{a,b"},
        {"text[]", "a,b"},
        {"text[]", "{\"a\\\"b\",\"c\\\\d\"}"},
        {"integer[]", "{1,2,3}"},
        {"integer[]", "{1,x}"},
        {"integer[]", "{ 1 , 2 }"},
        {"integer[]", "{NULL,null}"},
        {"bigint[]", "{9007199254740993}"},
        {"uuid[]", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"},
        {"boolean[]", "{t,f,yes}"},
        {"timestamp with time zone[]", "{\"2026-06-01 12:00+02\"}"},
        {"double precision[]", "{0.1,NaN}"},
        {"numeric[]", "{1.5,2}"}};
    for (size_t i = 0; i < sizeof jsonb / sizeof jsonb[0]; i++) {
        add("jsonb", jsonb[i], NULL);
        add("json", jsonb[i], NULL);
    }
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        add(arrays[i][0], arrays[i][1], NULL);
    {
        static const char *const b[] = {"t", "true",  "TRUE", " yes ", "y",    "on",    "ON",  "1",
                                        "f", "false", "no",   "n",     "off",  "of",    "o",   "0",
                                        "",  "2",     "tru",  "truee", "yess", "maybe", " t r"};
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
            add("boolean", b[i], NULL);
    }
    {
        static const char *const v[] = {"abc", "abc  ", "abcd", "ab", "a  b", "éèê", "éèêë"};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            add("character varying(3)", v[i], NULL);
            add("character(3)", v[i], NULL);
        }
    }
}

/* Pairs of the parse cases of type: neighbours, so ordering is exercised. */
static void pairs_of(const char *type, size_t from, size_t to)
{
    for (size_t i = from; i + 1 < to; i++) {
        add(type, cases[i].a, cases[i + 1].a);
        if (i + 7 < to)
            add(type, cases[i].a, cases[i + 7].a);
    }
}

static void typed(const char *type, void (*gen)(const char *))
{
    size_t from = ncases;

    gen(type);
    pairs_of(type, from, ncases);
}

static void build_cases(void)
{
    size_t from;

    typed("smallint", ints);
    typed("integer", ints);
    typed("bigint", ints);
    typed("double precision", floats);
    typed("real", floats);
    typed("numeric", numerics);
    typed("numeric(10,2)", numerics);
    typed("timestamp with time zone", times);
    typed("timestamp without time zone", times);
    typed("date", times);
    typed("time without time zone", times);
    typed("interval", intervals);
    from = ncases;
    uuids();
    pairs_of("uuid", from, ncases);
    texts();
    structured();
}

#endif
