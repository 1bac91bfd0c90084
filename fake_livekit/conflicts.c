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
#include "fake_livekit/trunk_keys.h"
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

/* File item under the key of parts: the item that holds it already, or NULL after filing
 * item there. *rc is 0 or FK_ENOMEM. */
static const cJSON *file_key(struct keyset *k, const char *const *part, size_t n, const cJSON *item,
                             int *rc)
{
    struct fk_buf b;
    fk_buf_init(&b, LK_KEY_MAX);
    *rc = lk_conflict_key(&b, part, n) == 0 ? 0 : FK_ENOMEM;
    const cJSON *holder = *rc == 0 ? keyset_take(k, &b, item, rc) : NULL;
    fk_buf_cleanup(&b);
    return holder;
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

/* Filing one trunk of a walk. */
struct trunk_filing {
    struct keyset *k;
    const cJSON *t;
    struct lk_verr *e;
};

/* File t under (bucket, allowed number): FK_EINVAL when another trunk holds it (a trunk
 * meeting its own key, a repeated allowed number, is no conflict). */
static int file_trunk_key(const char *bucket, const char *allowed, const char *allowed_norm,
                          void *ctx)
{
    struct trunk_filing *f = ctx;
    const char *const part[] = {bucket, allowed_norm};
    int rc;
    const cJSON *t2 = file_key(f->k, part, 2, f->t, &rc);
    if (rc != 0)
        return rc;
    if (t2 && strcmp(lk_get_str(t2, "sip_trunk_id"), lk_get_str(f->t, "sip_trunk_id")) != 0)
        return trunk_message(f->t, t2, allowed, f->e);
    return 0;
}

int lk_trunks_conflict(const cJSON *seq, struct lk_verr *e)
{
    struct keyset k = {0};
    int rc = 0;
    for (const cJSON *t = seq ? seq->child : NULL; rc == 0 && t; t = t->next) {
        struct trunk_filing f = {&k, t, e};
        rc = lk_trunk_conflict_keys(t, file_trunk_key, &f);
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

/* Filing one rule of a walk: holder is whoever filed the key it met, once it met one. */
struct rule_filing {
    struct keyset *k;
    const cJSON *r, *holder;
};

static int file_rule_key(const char *pin, const char *trunk, const char *inbound,
                         const char *number, void *ctx)
{
    struct rule_filing *f = ctx;
    const char *const part[] = {pin, trunk, inbound, number};
    int rc;
    f->holder = file_key(f->k, part, 4, f->r, &rc);
    return rc != 0 ? rc : f->holder != NULL; /* 1 ends the rule's keys */
}

/* DispatchRuleValidator.Validate (sip/sip.go:201) for one rule: a key already filed, even by
 * the rule itself, fails. */
static int file_rule(struct keyset *k, const cJSON *r, struct lk_verr *e)
{
    if (!lk_rule_member(r)) /* psrpc.NewErrorf(psrpc.InvalidArgument, ...: %T) of a nil oneof */
        return lk_verr_set(e, true, "unsupported SIP Dispatch Rule: <nil>");
    struct rule_filing f = {k, r, NULL};
    int rc = lk_rule_conflict_keys(r, file_rule_key, &f);
    if (rc < 0)
        return rc;
    return f.holder ? rule_message(f.holder, e) : 0;
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
