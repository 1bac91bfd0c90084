/* test_hostile_cases.h: the request table of test_hostile.c (one row per hostile request).
 *
 * Kept apart so the battery's logic reads in one file and its data in another; included once,
 * by test_hostile.c, which defines enum svc, ACC and USER_ID first. */
#ifndef TEST_HOSTILE_CASES_H
#define TEST_HOSTILE_CASES_H

enum gen {
    G_NONE,
    G_BIG_BODY,    /* body one byte over the limit: 1 MiB + 1, LiveKit's 10 MiB + 1 */
    G_BIG_HEADER,  /* one 70 KiB header */
    G_PARAMS,      /* 300 query parameters appended */
    G_PARAMS_HUGE, /* 5000 of them: over libmicrohttpd's 32 KiB connection pool (414) */
    G_DEEP_JSON,   /* 50,000 nested arrays in the body */
};

enum expect {
    X_NATIVE,  /* 2xx, or a 4xx in the native shape (never 5xx) */
    X_STATUS,  /* exactly status, native shape when 4xx */
    X_REFUSED, /* 4xx of any shape, or the connection closed: the server's own limits */
};

struct hcase {
    enum svc svc;
    const char *name;
    const char *method;
    const char *path;    /* may hold raw bytes */
    const char *headers; /* extra header lines, each "\r\n"-terminated */
    const char *body;
    enum gen gen;
    enum expect expect;
    long status;
};

#define FORM "Content-Type: application/x-www-form-urlencoded\r\n"
#define JSON "Content-Type: application/json\r\n"
#define SIP  "/twirp/livekit.SIP/"
#define DROP "%27%3B%20DROP%20TABLE%20profiles%3B%20--"

static const struct hcase cases[] = {
    /* Twilio */
    {TW, "big body", "POST", ACC "/IncomingPhoneNumbers.json", FORM, "", G_BIG_BODY, X_STATUS, 413},
    {TW, "big header", "GET", ACC "/IncomingPhoneNumbers.json", "", "", G_BIG_HEADER, X_REFUSED, 0},
    {TW, "utf8 path", "GET", ACC "/AvailablePhoneNumbers/\xff\xfe/Local.json", "", "", G_NONE,
     X_NATIVE, 0},
    {TW, "utf8 query", "GET",
     ACC "/AvailablePhoneNumbers/US/Local.json?Contains=\xc3\x28%ff&InRegion=%c0%af", "", "",
     G_NONE, X_NATIVE, 0},
    {TW, "utf8 form", "POST", ACC "/IncomingPhoneNumbers.json", FORM,
     "PhoneNumber=%2B15005550006&FriendlyName=%ff%fe\xed\xa0\x80", G_NONE, X_NATIVE, 0},
    {TW, "json body", "POST", ACC "/IncomingPhoneNumbers.json", JSON,
     "{\"PhoneNumber\":\"+15005550006\"}", G_NONE, X_STATUS, 400},
    {TW, "no content type", "POST", ACC "/IncomingPhoneNumbers.json", "", "PhoneNumber=x", G_NONE,
     X_NATIVE, 0},
    {TW, "traversal", "GET", ACC "/../../../__admin/health", "", "", G_NONE, X_STATUS, 404},
    {TW, "traversal encoded", "GET", ACC "/%2e%2e/%2e%2e/%2e%2e/__admin/health", "", "", G_NONE,
     X_STATUS, 404},
    {TW, "traversal etc", "GET", "/2010-04-01/Accounts/..%2f..%2f..%2fetc%2fpasswd/Calls.json", "",
     "", G_NONE, X_STATUS, 404},
    {TW, "many params", "GET", ACC "/AvailablePhoneNumbers/US/Local.json?AreaCode=415", "", "",
     G_PARAMS, X_NATIVE, 0},
    /* Past ~450 query parameters the connection's 32 KiB pool (fakekit/limits.h) is exhausted
     * and the answer is 414 with libmicrohttpd's HTML body (test_conns checks it exactly);
     * the exchange fakekit/server.c made for it must still be freed (it is, when the
     * connection closes: LeakSanitizer checks at exit). */
    {TW, "huge params", "GET", ACC "/AvailablePhoneNumbers/US/Local.json?AreaCode=415", "", "",
     G_PARAMS_HUGE, X_REFUSED, 0},
    {TW, "bad page size", "GET", ACC "/IncomingPhoneNumbers.json?PageSize=99999999999999999999", "",
     "", G_NONE, X_STATUS, 400},
    /* Issue 15: a %00 never cuts a path or a value short. */
    {TW, "nul path", "GET", ACC "/IncomingPhoneNumbers.json%00evil", "", "", G_NONE, X_STATUS, 404},
    /* Bytes that are not UTF-8 echoed into an answer (a 404's path, a FriendlyName) must not
     * make it invalid JSON: each becomes U+FFFD, as Go's json.Marshal writes it. */
    {TW, "utf8 404 path", "GET", "/x\xff\xc3(", "", "", G_NONE, X_STATUS, 404},
    {TW, "utf8 friendly name", "POST", ACC "/IncomingPhoneNumbers.json", FORM,
     "PhoneNumber=%2B15005550006&FriendlyName=a\xff\xed\xa0\x80", G_NONE, X_NATIVE, 0},
    {TW, "nul form", "POST", ACC "/IncomingPhoneNumbers.json", FORM,
     "PhoneNumber=%2B15005550006%00", G_NONE, X_STATUS, 400},
    /* LiveKit */
    {LK, "big body", "POST", SIP "ListSIPInboundTrunk", JSON, "", G_BIG_BODY, X_STATUS, 413},
    {LK, "big header", "POST", SIP "ListSIPInboundTrunk", JSON, "{}", G_BIG_HEADER, X_REFUSED, 0},
    {LK, "utf8 path", "POST", SIP "List\xff\xfeTrunk", JSON, "{}", G_NONE, X_STATUS, 404},
    {LK, "utf8 json", "POST", SIP "CreateSIPInboundTrunk", JSON,
     "{\"trunk\":{\"name\":\"\xff\xfe\",\"numbers\":[\"+1\xc3\"]}}", G_NONE, X_NATIVE, 0},
    {LK, "utf8 query", "POST", SIP "ListSIPInboundTrunk?x=%ff\xfe", JSON, "{}", G_NONE, X_NATIVE,
     0},
    {LK, "text body", "POST", SIP "ListSIPInboundTrunk", "Content-Type: text/plain\r\n", "{}",
     G_NONE, X_STATUS, 404},
    {LK, "protobuf body", "POST", SIP "ListSIPInboundTrunk",
     "Content-Type: application/protobuf\r\n", "\x0a\x01x", G_NONE, X_NATIVE, 0},
    {LK, "deep json", "POST", SIP "ListSIPInboundTrunk", JSON, "", G_DEEP_JSON, X_STATUS, 400},
    {LK, "deep room config", "POST", SIP "CreateSIPDispatchRule", JSON,
     "{\"rule\":{\"dispatchRuleIndividual\":{}},\"roomConfig\":"
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
     "]]]]]]}",
     G_NONE, X_NATIVE, 0},
    {LK, "traversal", "POST", SIP "../../__admin/reset", JSON, "{}", G_NONE, X_STATUS, 404},
    {LK, "traversal encoded", "POST", "/twirp/livekit.SIP/%2e%2e%2f%2e%2e%2f__admin%2freset", JSON,
     "{}", G_NONE, X_STATUS, 404},
    {LK, "many params", "POST", SIP "ListSIPInboundTrunk?a=1", JSON, "{}", G_PARAMS, X_NATIVE, 0},
    {LK, "wrong types", "POST", SIP "CreateSIPInboundTrunk", JSON,
     "{\"trunk\":{\"numbers\":\"+1\",\"krispEnabled\":\"yes\"}}", G_NONE, X_STATUS, 400},
    {LK, "repeated field", "POST", SIP "CreateSIPInboundTrunk", JSON,
     "{\"trunk\":{\"numbers\":[\"+1\"],\"numbers\":[\"+2\"]}}", G_NONE, X_STATUS, 400},
    {LK, "nul path", "POST", SIP "ListSIPInboundTrunk%00x", JSON, "{}", G_NONE, X_STATUS, 404},
    /* Supabase: PostgREST, every operator with SQL metacharacters */
    {SB, "big body", "POST", "/rest/v1/profiles", JSON, "", G_BIG_BODY, X_STATUS, 413},
    {SB, "big header", "GET", "/rest/v1/profiles", "", "", G_BIG_HEADER, X_REFUSED, 0},
    {SB, "eq", "GET", "/rest/v1/profiles?email=eq." DROP, "", "", G_NONE, X_STATUS, 200},
    /* a uuid column: PostgreSQL refuses the literal (22P02), it never reaches SQL */
    {SB, "eq uuid", "GET", "/rest/v1/profiles?id=eq." DROP, "", "", G_NONE, X_STATUS, 400},
    {SB, "neq", "GET", "/rest/v1/profiles?email=neq." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "gt", "GET", "/rest/v1/profiles?email=gt." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "gte", "GET", "/rest/v1/profiles?email=gte." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "lt", "GET", "/rest/v1/profiles?email=lt." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "lte", "GET", "/rest/v1/profiles?email=lte." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "like", "GET", "/rest/v1/profiles?email=like.*" DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "ilike", "GET", "/rest/v1/profiles?email=ilike.*" DROP "*", "", "", G_NONE, X_STATUS, 200},
    {SB, "is", "GET", "/rest/v1/profiles?email=is." DROP, "", "", G_NONE, X_STATUS, 400},
    {SB, "isdistinct", "GET", "/rest/v1/profiles?email=isdistinct." DROP, "", "", G_NONE, X_STATUS,
     200},
    {SB, "in", "GET", "/rest/v1/profiles?email=in.(%22" DROP "%22,x)", "", "", G_NONE, X_STATUS,
     200},
    {SB, "not", "GET", "/rest/v1/profiles?email=not.eq." DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "or", "GET", "/rest/v1/profiles?or=(email.eq.%22" DROP "%22,full_name.like.*%27--)", "",
     "", G_NONE, X_STATUS, 200},
    {SB, "and", "GET", "/rest/v1/profiles?and=(email.neq." DROP ",not.or(id.is.null))", "", "",
     G_NONE, X_NATIVE, 0},
    {SB, "column name", "GET", "/rest/v1/profiles?" DROP "=eq.1", "", "", G_NONE, X_STATUS, 400},
    {SB, "select", "GET", "/rest/v1/profiles?select=id," DROP, "", "", G_NONE, X_STATUS, 400},
    {SB, "select alias", "GET", "/rest/v1/profiles?select=" DROP ":id", "", "", G_NONE, X_NATIVE,
     0},
    {SB, "order", "GET", "/rest/v1/profiles?order=" DROP ".desc", "", "", G_NONE, X_STATUS, 400},
    /* Not an integer: PostgREST ignores the limit (readMaybe in QueryParams.hs). */
    {SB, "limit", "GET", "/rest/v1/profiles?limit=1" DROP, "", "", G_NONE, X_STATUS, 200},
    {SB, "table", "GET", "/rest/v1/profiles%3B%20DROP%20TABLE%20profiles", "", "", G_NONE, X_STATUS,
     404},
    {SB, "patch filter", "PATCH", "/rest/v1/profiles?id=eq." DROP, JSON,
     "{\"full_name\":\"x'); DROP TABLE profiles; --\"}", G_NONE, X_NATIVE, 0},
    {SB, "delete filter", "DELETE", "/rest/v1/profiles?email=like." DROP, "", "", G_NONE, X_NATIVE,
     0},
    {SB, "on_conflict", "POST", "/rest/v1/profiles?on_conflict=" DROP, JSON, "{\"id\":\"x\"}",
     G_NONE, X_STATUS, 400},
    {SB, "utf8 path", "GET", "/rest/v1/\xff\xfe", "", "", G_NONE, X_STATUS, 404},
    {SB, "utf8 query", "GET", "/rest/v1/profiles?email=eq.%ff\xfe", "", "", G_NONE, X_NATIVE, 0},
    {SB, "utf8 json", "PATCH", "/rest/v1/profiles?id=eq." USER_ID, JSON,
     "{\"full_name\":\"\xff\xfe\xc3\"}", G_NONE, X_NATIVE, 0},
    {SB, "form body", "POST", "/rest/v1/profiles", FORM, "id=x&email=y", G_NONE, X_NATIVE, 0},
    {SB, "deep json", "POST", "/rest/v1/profiles", JSON, "", G_DEEP_JSON, X_STATUS, 400},
    {SB, "traversal", "GET", "/rest/v1/../../__admin/state", "", "", G_NONE, X_NATIVE, 0},
    {SB, "traversal encoded", "GET", "/rest/v1/%2e%2e/%2e%2e/__admin/state", "", "", G_NONE,
     X_NATIVE, 0},
    {SB, "many params", "GET", "/rest/v1/profiles?select=id", "", "", G_PARAMS, X_NATIVE, 0},
    {SB, "auth deep json", "POST", "/auth/v1/admin/users", JSON, "", G_DEEP_JSON, X_NATIVE, 0},
    /* Issue 15: int64 edges, repeated keys, %00 and bad UTF-8 in paths and values. */
    {SB, "int64 window", "GET",
     "/rest/v1/profiles?offset=9223372036854775807&limit=9223372036854775807", "", "", G_NONE,
     X_STATUS, 200},
    {SB, "int64 offset", "GET", "/rest/v1/profiles?offset=1&limit=9223372036854775807", "", "",
     G_NONE, X_STATUS, 200},
    {SB, "int64 range", "GET", "/rest/v1/profiles", "Range: 0-9223372036854775807\r\n", "", G_NONE,
     X_STATUS, 200},
    {SB, "past int64", "GET", "/rest/v1/profiles?offset=99999999999999999999999", "", "", G_NONE,
     X_STATUS, 400},
    {SB, "repeated key", "PATCH", "/rest/v1/profiles?id=eq." USER_ID, JSON,
     "{\"full_name\":\"a\",\"full_name\":{\"b\":1,\"b\":2}}", G_NONE, X_NATIVE, 0},
    {SB, "nul path", "GET", "/rest/v1/profiles%00x", "", "", G_NONE, X_STATUS, 404},
    {SB, "bad utf8 path", "GET", "/rest/v1/profiles%C3%28", "", "", G_NONE, X_STATUS, 404},
    {SB, "nul grant", "POST", "/auth/v1/token?grant_type=password%00x", JSON,
     "{\"email\":\"a@example.com\",\"password\":\"x\"}", G_NONE, X_STATUS, 400},
    {SB, "nul json", "POST", "/auth/v1/token?grant_type=password", JSON,
     "{\"email\":\"a@example.com\\u0000\",\"password\":\"x\"}", G_NONE, X_STATUS, 400},
    {SB, "auth utf8 json", "POST", "/auth/v1/admin/users", JSON,
     "{\"email\":\"\xff@\xfe.com\",\"password\":\"\xc3\x28\xc3\x28\xc3\x28\"}", G_NONE, X_NATIVE,
     0},
};

#endif
