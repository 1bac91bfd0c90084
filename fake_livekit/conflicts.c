/* conflicts.c: sip.ValidateTrunksIter and sip.ValidateDispatchRulesIter (see conflicts.h).
 *
 * The Go code keeps maps keyed by number or by (pin, trunk, number, number); here one hash
 * table holds every key of a walk, each a sequence of length-prefixed parts so that no two
 * different tuples spell the same key. */
#include "fake_livekit/conflicts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fakekit/hash.h"

/* ---- Go's %q ---- */

int lk_go_quote(struct fk_buf *b, const char *s)
{
    int rc = fk_buf_addstr(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++) {
        unsigned c = *p;
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\a' ? "\\a"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                          : c == '\v' ? "\\v"
                                      : NULL;
        if (esc)
            rc = fk_buf_addstr(b, esc);
        else if (c < 0x20 || c == 0x7f)
            rc = fk_buf_printf(b, "\\x%02x", c);
        else if (c == 0xC2 && (p[1] < 0xA0 || p[1] == 0xAD)) {
            /* U+0080-U+009F and the soft hyphen are not graphic: \u00xx (unicode.IsPrint);
             * other non-ASCII runes are taken as printable. */
            rc = fk_buf_printf(b, "\\u00%02x", (unsigned)p[1]);
            p++;
        } else
            rc = fk_buf_add(b, p, 1);
    }
    return rc == 0 ? fk_buf_addstr(b, "\"") : rc;
}

/* ---- a set of keys ---- */

struct keyset {
    char **key;
    size_t *len;
    const cJSON **val;
    size_t cap, n;
};

static void keyset_free(struct keyset *k)
{
    for (size_t i = 0; i < k->cap; i++)
        free(k->key ? k->key[i] : NULL);
    free(k->key);
    free(k->len);
    free(k->val);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t slot_of(const struct keyset *k, const char *key, size_t len)
{
    size_t i = (size_t)(fk_fnv1a(key, len) & (k->cap - 1));
    while (k->key[i] && (k->len[i] != len || memcmp(k->key[i], key, len) != 0))
        i = (i + 1) & (k->cap - 1);
    return i;
}

static int keyset_grow(struct keyset *k)
{
    struct keyset g = {0};
    g.cap = k->cap ? 2 * k->cap : 64;
    g.key = calloc(g.cap, sizeof(*g.key));
    g.len = calloc(g.cap, sizeof(*g.len));
    g.val = calloc(g.cap, sizeof(*g.val));
    if (!g.key || !g.len || !g.val) {
        keyset_free(&g);
        return FK_ENOMEM;
    }
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->key[i])
            continue;
        size_t j = slot_of(&g, k->key[i], k->len[i]);
        g.key[j] = k->key[i], g.len[j] = k->len[i], g.val[j] = k->val[i];
        k->key[i] = NULL;
        g.n++;
    }
    keyset_free(k);
    *k = g;
    return 0;
}

/* The item filed under key (b's content), or NULL after filing item there. *rc is 0 or
 * FK_ENOMEM. */
static const cJSON *keyset_take(struct keyset *k, const struct fk_buf *b, const cJSON *item,
                                int *rc)
{
    *rc = 0;
    if ((k->n + 1) * 2 > k->cap && (*rc = keyset_grow(k)) != 0)
        return NULL;
    size_t i = slot_of(k, b->data ? b->data : "", b->len);
    if (k->key[i])
        return k->val[i];
    if ((k->key[i] = malloc(b->len + 1)) == NULL) {
        *rc = FK_ENOMEM;
        return NULL;
    }
    memcpy(k->key[i], b->data ? b->data : "", b->len);
    k->len[i] = b->len;
    k->val[i] = item;
    k->n++;
    return NULL;
}

/* Append one key part: its length, ':', then s (normalised first when norm). */
static int key_part(struct fk_buf *b, const char *s, bool norm)
{
    char *n = norm ? lk_number_norm(s) : NULL;
    if (norm && !n)
        return FK_ENOMEM;
    const char *v = n ? n : s;
    int rc = fk_buf_printf(b, "%zu:", strlen(v));
    if (rc == 0)
        rc = fk_buf_addstr(b, v);
    free(n);
    return rc;
}

/* ---- trunks ---- */

static const char *print_id(const char *id)
{
    return id[0] ? id : "<new>";
}

/* printNumbers (sip/sip.go:292): "<any>", or the %q of the []string. */
static int print_numbers(struct fk_buf *b, const cJSON *t)
{
    const cJSON *nums = lk_get_array(t, "numbers");
    int rc = 0;
    if (!nums || !nums->child)
        return fk_buf_addstr(b, "<any>");
    rc = fk_buf_addstr(b, "[");
    for (const cJSON *n = nums->child; rc == 0 && n; n = n->next) {
        if (n != nums->child)
            rc = fk_buf_addstr(b, " ");
        if (rc == 0)
            rc = lk_go_quote(b, cJSON_IsString(n) ? n->valuestring : "");
    }
    return rc == 0 ? fk_buf_addstr(b, "]") : rc;
}

/* The message of a trunk conflict between t (later) and t2 (earlier); allowed is the allowed
 * number they share, or NULL when neither has any. */
static int trunk_message(const cJSON *t, const cJSON *t2, const char *allowed, struct lk_verr *e)
{
    struct fk_buf b;
    int rc;
    fk_buf_init(&b, LK_MSG_MAX);
    rc = fk_buf_addstr(&b, "Conflicting inbound SIP Trunks: ");
    if (rc == 0)
        rc = lk_go_quote(&b, print_id(lk_get_str(t, "sip_trunk_id")));
    if (rc == 0)
        rc = fk_buf_addstr(&b, " and ");
    if (rc == 0)
        rc = lk_go_quote(&b, print_id(lk_get_str(t2, "sip_trunk_id")));
    if (rc == 0)
        rc = fk_buf_addstr(&b, ", using the same number(s) ");
    if (rc == 0)
        rc = print_numbers(&b, t);
    if (rc == 0 && allowed) {
        rc = fk_buf_addstr(&b, " and AllowedNumber ");
        if (rc == 0)
            rc = lk_go_quote(&b, allowed);
    } else if (rc == 0) {
        rc = fk_buf_addstr(&b, " without AllowedNumbers set");
    }
    rc = rc == 0 ? lk_verr_set(e, false, "%s", fk_buf_str(&b)) : FK_ENOMEM;
    fk_buf_cleanup(&b);
    return rc;
}

/* File t under (bucket, inbound key); FK_EINVAL when another trunk holds it. */
static int file_trunk(struct keyset *k, const char *bucket, const char *inbound,
                      const char *allowed, const cJSON *t, struct lk_verr *e)
{
    struct fk_buf b;
    int rc;
    fk_buf_init(&b, LK_MSG_MAX * 4);
    rc = key_part(&b, bucket, false);
    if (rc == 0)
        rc = key_part(&b, inbound, true);
    const cJSON *t2 = rc == 0 ? keyset_take(k, &b, t, &rc) : NULL;
    fk_buf_cleanup(&b);
    if (rc != 0)
        return FK_ENOMEM;
    if (t2 && strcmp(lk_get_str(t2, "sip_trunk_id"), lk_get_str(t, "sip_trunk_id")) != 0)
        return trunk_message(t, t2, allowed, e);
    return 0;
}

/* validateTrunkInbound (sip/sip.go:305) for t in one number's bucket. */
static int trunk_in_bucket(struct keyset *k, const char *bucket, const cJSON *t, struct lk_verr *e)
{
    const cJSON *allowed = lk_get_array(t, "allowed_numbers");
    if (!allowed || !allowed->child)
        return file_trunk(k, bucket, "", NULL, t, e);
    for (const cJSON *a = allowed->child; a; a = a->next) {
        /* A repeated allowed number (normalised) is skipped; filing it again would find t
         * itself, which is no conflict, so the skip needs no bookkeeping here. */
        int rc = file_trunk(k, bucket, cJSON_IsString(a) ? a->valuestring : "",
                            cJSON_IsString(a) ? a->valuestring : "", t, e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int lk_trunks_conflict(const cJSON *seq, struct lk_verr *e)
{
    struct keyset k = {0};
    int rc = 0;
    for (const cJSON *t = seq ? seq->child : NULL; rc == 0 && t; t = t->next) {
        const cJSON *nums = lk_get_array(t, "numbers");
        if (!nums || !nums->child) {
            rc = trunk_in_bucket(&k, "", t, e);
            continue;
        }
        for (const cJSON *n = nums->child; rc == 0 && n; n = n->next) {
            char *bucket = lk_number_norm(cJSON_IsString(n) ? n->valuestring : "");
            rc = bucket ? trunk_in_bucket(&k, bucket, t, e) : FK_ENOMEM;
            free(bucket);
        }
    }
    keyset_free(&k);
    return rc;
}

/* ---- dispatch rules ---- */

/* The message naming r2, the rule that filed the key first. */
static int rule_message(const cJSON *r2, struct lk_verr *e)
{
    const char *id = lk_get_str(r2, "sip_dispatch_rule_id"), *name = lk_get_str(r2, "name");
    struct fk_buf b;
    int rc;
    fk_buf_init(&b, LK_MSG_MAX);
    rc = fk_buf_addstr(&b, "Dispatch rule for the same trunk, inbound number, number, and PIN "
                           "combination already exists in dispatch rule ");
    if (rc == 0)
        rc = lk_go_quote(&b, id[0] ? id : "<new>");
    if (rc == 0)
        rc = fk_buf_addstr(&b, " ");
    if (rc == 0)
        rc = lk_go_quote(&b, name[0] ? name : "<blank name>");
    rc = rc == 0 ? lk_verr_set(e, false, "%s", fk_buf_str(&b)) : FK_ENOMEM;
    fk_buf_cleanup(&b);
    return rc;
}

/* The i-th string of obj[key], or "" for an empty list (its only element is ""). */
static const char *nth(const cJSON *obj, const char *key, int i)
{
    const cJSON *v = cJSON_GetArrayItem(lk_get_array(obj, key), i);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static int count(const cJSON *obj, const char *key)
{
    int n = lk_array_len(obj, key);
    return n ? n : 1;
}

/* DispatchRuleValidator.Validate (sip/sip.go:201) for one rule. */
static int file_rule(struct keyset *k, const cJSON *r, struct lk_verr *e)
{
    const cJSON *member = lk_rule_member(r);
    if (!member) /* psrpc.NewErrorf(psrpc.InvalidArgument, ...: %T) of a nil oneof */
        return lk_verr_set(e, true, "unsupported SIP Dispatch Rule: <nil>");
    const char *pin = lk_get_str(member, "pin");
    int nt = count(r, "trunk_ids"), ni = count(r, "inbound_numbers"), nn = count(r, "numbers");
    const cJSON *r2 = NULL;
    int rc = 0;
    for (int a = 0; rc == 0 && !r2 && a < nt; a++) {
        for (int b = 0; rc == 0 && !r2 && b < ni; b++) {
            for (int c = 0; rc == 0 && !r2 && c < nn; c++) {
                struct fk_buf key;
                fk_buf_init(&key, LK_MSG_MAX * 4);
                rc = key_part(&key, pin, false);
                if (rc == 0)
                    rc = key_part(&key, nth(r, "trunk_ids", a), false);
                if (rc == 0)
                    rc = key_part(&key, nth(r, "inbound_numbers", b), true);
                if (rc == 0)
                    rc = key_part(&key, nth(r, "numbers", c), true);
                if (rc == 0)
                    r2 = keyset_take(k, &key, r, &rc);
                fk_buf_cleanup(&key);
            }
        }
    }
    if (rc != 0)
        return FK_ENOMEM;
    return r2 ? rule_message(r2, e) : 0;
}

int lk_rules_conflict(const cJSON *seq, struct lk_verr *e)
{
    struct keyset k = {0};
    int rc = 0;
    for (const cJSON *r = seq ? seq->child : NULL; rc == 0 && r; r = r->next)
        rc = file_rule(&k, r, e);
    keyset_free(&k);
    return rc;
}
