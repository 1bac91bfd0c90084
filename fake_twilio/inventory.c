/* inventory.c: the seeded number inventory and the search filters.
 *
 * Generation walks a table of (country, type, prefixes, count) blocks; each number draws its
 * digits, capabilities, address requirement and beta flag from one fk_prng seeded by --seed,
 * so the same seed always gives the same inventory. Duplicates are redrawn (an open-addressing
 * set of the numbers' digits), each block is shuffled so an unfiltered search shows a mix of
 * area codes, and a sorted index answers lookups by number. */
#include "fake_twilio/inventory.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/rand.h"

static const char *const nanp_tollfree[] = {"800", "833", "844", "855", "866", "877", "888", NULL};
static const char *const gb_tollfree[] = {"800", "808", NULL};
static const char *const gb_mobile[] = {"74", "75", "77", "78", "79", NULL};

/* One block of the inventory. prefixes NULL: the areas of that country. Percentages are of
 * 100; mms_pct applies to numbers that have SMS. addr_pct: none, any, local, foreign. */
struct block {
    const char *iso, *cc;
    enum twilio_type type;
    const char *const *prefixes;
    unsigned per_prefix;
    unsigned sms_pct, mms_pct, fax_pct;
    unsigned addr_pct[4];
};

static const struct block blocks[] = {
    {"US", "1", TWILIO_LOCAL, NULL, 48, 95, 85, 40, {100, 0, 0, 0}},
    {"US", "1", TWILIO_TOLLFREE, nanp_tollfree, 60, 90, 70, 30, {100, 0, 0, 0}},
    {"US", "1", TWILIO_MOBILE, NULL, 32, 100, 90, 0, {100, 0, 0, 0}},
    {"CA", "1", TWILIO_LOCAL, NULL, 80, 90, 60, 20, {80, 0, 20, 0}},
    {"CA", "1", TWILIO_TOLLFREE, nanp_tollfree, 40, 90, 50, 10, {100, 0, 0, 0}},
    {"CA", "1", TWILIO_MOBILE, NULL, 64, 100, 80, 0, {90, 0, 10, 0}},
    {"GB", "44", TWILIO_LOCAL, NULL, 80, 0, 0, 30, {10, 40, 50, 0}},
    {"GB", "44", TWILIO_TOLLFREE, gb_tollfree, 160, 0, 0, 0, {100, 0, 0, 0}},
    {"GB", "44", TWILIO_MOBILE, gb_mobile, 64, 100, 0, 0, {20, 70, 0, 10}},
};

static const char *const addr_names[4] = {"none", "any", "local", "foreign"};

struct by_key {
    uint64_t key;
    size_t index;
};

struct twilio_inventory {
    struct twilio_number *nums;
    size_t n;
    struct by_key *sorted; /* every number's digits as an integer, ascending */
};

/* Open-addressing set of numbers (digits as an integer) to redraw duplicates. */
struct numset {
    uint64_t *slots; /* 0 is empty; a number is never 0 */
    size_t mask;
};

static bool numset_add(struct numset *s, uint64_t v)
{
    size_t i = (size_t)((v * 0x9E3779B97F4A7C15ull) >> 20) & s->mask;

    while (s->slots[i] != 0) {
        if (s->slots[i] == v)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = v;
    return true;
}

static size_t block_prefixes(const struct block *b, const char **out, const struct twilio_area **ar,
                             size_t max)
{
    size_t n = 0;

    if (b->prefixes != NULL) {
        for (size_t i = 0; b->prefixes[i] != NULL && n < max; i++) {
            ar[n] = NULL;
            out[n++] = b->prefixes[i];
        }
        return n;
    }
    for (size_t i = 0; i < twilio_nareas && n < max; i++) {
        if (strcmp(twilio_areas[i].iso, b->iso) == 0) {
            ar[n] = &twilio_areas[i];
            out[n++] = twilio_areas[i].prefix;
        }
    }
    return n;
}

/* Draw the national digits after prefix: NANP numbers get a valid exchange (NXX: 2-9, not
 * N11, not 555) and four digits; British numbers fill up to ten national digits. Returns the
 * number of digits written to out (no terminator). Start-up builds a few thousand numbers, so
 * this and the callers below write digits directly rather than through snprintf. */
static size_t draw_digits(struct fk_prng *p, bool nanp, size_t prefix_len, char *out, size_t max)
{
    size_t want = 10;
    size_t i = 0;

    if (nanp) {
        unsigned nxx;
        do {
            nxx = 200 + (unsigned)fk_prng_below(p, 800);
        } while (nxx % 100 == 11 || nxx == 555);
        out[i++] = (char)('0' + nxx / 100);
        out[i++] = (char)('0' + nxx / 10 % 10);
        out[i++] = (char)('0' + nxx % 10);
    } else if (prefix_len < want) {
        out[i++] = (char)('2' + fk_prng_below(p, 8)); /* no leading 0/1 after the area */
    }
    while (prefix_len + i < want && i < max)
        out[i++] = (char)('0' + fk_prng_below(p, 10));
    return i;
}

static unsigned draw_pct(struct fk_prng *p, unsigned pct)
{
    return fk_prng_below(p, 100) < pct;
}

/* The digits after "+" as an integer: the key numset_add deduplicates on, so each number's
 * key is unique. 0 for anything that is not "+" and 1 to 19 digits (no number has key 0). */
static uint64_t e164_key(const char *e164)
{
    uint64_t key = 0;
    size_t i = 1;

    if (e164[0] != '+')
        return 0;
    for (; e164[i] >= '0' && e164[i] <= '9' && i <= 19; i++)
        key = key * 10 + (uint64_t)(e164[i] - '0');
    return e164[i] == '\0' && i > 1 ? key : 0;
}

static int fill_block(struct twilio_inventory *inv, struct numset *set, struct fk_prng *p,
                      const struct block *b)
{
    const char *prefixes[16];
    const struct twilio_area *ar[16];
    size_t np = block_prefixes(b, prefixes, ar, 16);
    size_t first = inv->n;
    size_t cc_len = strlen(b->cc);
    bool nanp = strcmp(b->cc, "1") == 0;
    size_t plen[16];

    for (size_t k = 0; k < np; k++)
        plen[k] = strlen(prefixes[k]);
    for (size_t k = 0; k < np; k++) {
        char head[sizeof inv->nums[0].e164]; /* "+" cc prefix */
        size_t head_len = 1 + cc_len + plen[k];

        if (head_len + 10 >= sizeof head)
            return FK_ERANGE; /* a table bug */
        head[0] = '+';
        memcpy(head + 1, b->cc, cc_len);
        memcpy(head + 1 + cc_len, prefixes[k], plen[k]);
        for (unsigned j = 0; j < b->per_prefix; j++) {
            struct twilio_number *num = &inv->nums[inv->n];
            uint64_t key = 0;
            int tries = 0;

            do {
                size_t len = head_len;
                if (++tries > 1000)
                    return FK_ERANGE; /* a prefix too small for its count: a table bug */
                memcpy(num->e164, head, head_len);
                len += draw_digits(p, nanp, plen[k], num->e164 + len, sizeof num->e164 - 1 - len);
                num->e164[len] = '\0';
                key = e164_key(num->e164);
            } while (!numset_add(set, key));

            twilio_friendly_name(num->e164, num->friendly, sizeof num->friendly);
            memcpy(num->iso, b->iso, sizeof num->iso);
            num->type = b->type;
            num->area = ar[k];
            num->postal_code = NULL;
            if (ar[k] != NULL) {
                size_t npost = 0;
                while (npost < 3 && ar[k]->postal[npost] != NULL)
                    npost++;
                if (npost > 0)
                    num->postal_code = ar[k]->postal[fk_prng_below(p, npost)];
            }
            num->caps = TWILIO_CAP_VOICE;
            if (draw_pct(p, b->sms_pct)) {
                num->caps |= TWILIO_CAP_SMS;
                if (draw_pct(p, b->mms_pct))
                    num->caps |= TWILIO_CAP_MMS;
            }
            if (draw_pct(p, b->fax_pct))
                num->caps |= TWILIO_CAP_FAX;
            unsigned r = (unsigned)fk_prng_below(p, 100), acc = 0;
            num->address_requirements = addr_names[0];
            for (size_t a = 0; a < 4; a++) {
                acc += b->addr_pct[a];
                if (r < acc) {
                    num->address_requirements = addr_names[a];
                    break;
                }
            }
            num->beta = draw_pct(p, 5);
            inv->n++;
        }
    }
    /* Fisher-Yates over the block so areas interleave in unfiltered searches. */
    for (size_t i = inv->n - first; i > 1; i--) {
        size_t j = (size_t)fk_prng_below(p, i);
        struct twilio_number tmp = inv->nums[first + i - 1];
        inv->nums[first + i - 1] = inv->nums[first + j];
        inv->nums[first + j] = tmp;
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = ((const struct by_key *)a)->key, y = ((const struct by_key *)b)->key;
    return (x > y) - (x < y);
}

struct twilio_inventory *twilio_inventory_new(uint64_t seed)
{
    struct twilio_inventory *inv = calloc(1, sizeof *inv);
    struct numset set = {NULL, 0};
    struct fk_prng p;
    size_t total = 0, cap = 1;

    if (inv == NULL)
        return NULL;
    for (size_t i = 0; i < FK_NELEM(blocks); i++) {
        const char *pre[16];
        const struct twilio_area *ar[16];
        total += block_prefixes(&blocks[i], pre, ar, 16) * blocks[i].per_prefix;
    }
    while (cap < 2 * total)
        cap <<= 1;
    inv->nums = calloc(total, sizeof *inv->nums);
    inv->sorted = calloc(total, sizeof *inv->sorted);
    set.slots = calloc(cap, sizeof *set.slots);
    set.mask = cap - 1;
    if (inv->nums == NULL || inv->sorted == NULL || set.slots == NULL)
        goto fail;
    /* A fixed tweak keeps --seed 0 from being a degenerate state for any PRNG. */
    fk_prng_init(&p, seed ^ 0x7477696c696f0001ull);
    for (size_t i = 0; i < FK_NELEM(blocks); i++)
        if (fill_block(inv, &set, &p, &blocks[i]) != 0)
            goto fail;
    for (size_t i = 0; i < inv->n; i++) {
        inv->sorted[i].key = e164_key(inv->nums[i].e164);
        inv->sorted[i].index = i;
    }
    qsort(inv->sorted, inv->n, sizeof *inv->sorted, cmp_key);
    free(set.slots);
    return inv;
fail:
    free(set.slots);
    twilio_inventory_free(inv);
    return NULL;
}

void twilio_inventory_free(struct twilio_inventory *inv)
{
    if (inv == NULL)
        return;
    free(inv->nums);
    free(inv->sorted);
    free(inv);
}

size_t twilio_inventory_count(const struct twilio_inventory *inv)
{
    return inv->n;
}

const struct twilio_number *twilio_inventory_at(const struct twilio_inventory *inv, size_t i)
{
    return i < inv->n ? &inv->nums[i] : NULL;
}

const struct twilio_number *twilio_inventory_find(const struct twilio_inventory *inv,
                                                  const char *e164)
{
    uint64_t key = e164_key(e164);
    size_t lo = 0, hi = inv->n;

    if (key == 0)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (inv->sorted[mid].key == key) {
            const struct twilio_number *n = &inv->nums[inv->sorted[mid].index];
            return strcmp(n->e164, e164) == 0 ? n : NULL; /* "+01..." has the key of "+1..." */
        }
        if (inv->sorted[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int twilio_type_parse(const char *s)
{
    static const char *const names[TWILIO_NTYPES] = {"Local", "TollFree", "Mobile"};

    for (int i = 0; i < TWILIO_NTYPES; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

const char *twilio_type_name(enum twilio_type t)
{
    static const char *const names[TWILIO_NTYPES] = {"local", "tollfree", "mobile"};

    return (unsigned)t < TWILIO_NTYPES ? names[t] : "local";
}

bool twilio_is_nanp(const char *e164)
{
    if (strncmp(e164, "+1", 2) != 0 || strlen(e164) != 12)
        return false;
    for (const char *p = e164 + 1; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

void twilio_friendly_name(const char *e164, char *out, size_t outlen)
{
    /* docs/reference/twilio.md section 2: "(NPA) NXX-XXXX" for NANP, the E.164 string itself
     * otherwise. */
    if (twilio_is_nanp(e164) && outlen >= 15) {
        out[0] = '(';
        memcpy(out + 1, e164 + 2, 3);
        memcpy(out + 4, ") ", 2);
        memcpy(out + 6, e164 + 5, 3);
        out[9] = '-';
        memcpy(out + 10, e164 + 8, 4);
        out[14] = '\0';
    } else {
        snprintf(out, outlen, "%s", e164);
    }
}

void twilio_filter_init(struct twilio_filter *f, const char *iso, enum twilio_type type)
{
    memset(f, 0, sizeof *f);
    f->iso = iso;
    f->type = type;
    f->voice = f->sms = f->mms = f->fax = -1;
    f->beta = true;
}

static bool tri_ok(int want, unsigned caps, unsigned bit)
{
    return want < 0 || (want == 1) == ((caps & bit) != 0);
}

/* Location strings compare case-insensitively; a filter on a field the number lacks
 * (toll-free numbers have no region) never matches. */
static bool loc_ok(const char *want, const char *have)
{
    return want == NULL || (have != NULL && strcasecmp(want, have) == 0);
}

bool twilio_filter_match(const struct twilio_filter *f, const struct twilio_number *n)
{
    const struct twilio_area *a = n->area;
    const char *addr = n->address_requirements;

    if (n->type != f->type || strcasecmp(n->iso, f->iso) != 0)
        return false;
    if (f->area_code != NULL) {
        size_t cclen = strcmp(n->iso, "GB") == 0 ? 3 : 2; /* "+44" or "+1" */
        size_t alen = strlen(f->area_code);
        if (strncmp(n->e164 + cclen, f->area_code, alen) != 0)
            return false;
    }
    if (!tri_ok(f->voice, n->caps, TWILIO_CAP_VOICE) || !tri_ok(f->sms, n->caps, TWILIO_CAP_SMS) ||
        !tri_ok(f->mms, n->caps, TWILIO_CAP_MMS) || !tri_ok(f->fax, n->caps, TWILIO_CAP_FAX))
        return false;
    if (!f->beta && n->beta)
        return false;
    if (f->exclude_all_address && strcmp(addr, "none") != 0)
        return false;
    if (f->exclude_local_address && strcmp(addr, "local") == 0)
        return false;
    if (f->exclude_foreign_address && strcmp(addr, "foreign") == 0)
        return false;
    if (!loc_ok(f->in_region, a ? a->region : NULL) ||
        !loc_ok(f->in_locality, a ? a->locality : NULL) ||
        !loc_ok(f->in_rate_center, a ? a->rate_center : NULL) ||
        !loc_ok(f->in_lata, a ? a->lata : NULL) || !loc_ok(f->in_postal_code, n->postal_code))
        return false;
    if (f->near && (a == NULL || twilio_distance_miles(f->near_lat, f->near_lon, a->lat, a->lon) >
                                     f->distance_miles))
        return false;
    if (f->contains != NULL && !twilio_contains_match(f->contains, n->e164))
        return false;
    return true;
}

/* Keypad letters: ABC=2 DEF=3 GHI=4 JKL=5 MNO=6 PQRS=7 TUV=8 WXYZ=9. */
static char keypad(char c)
{
    static const char map[] = "22233344455566677778889999";
    int u = toupper((unsigned char)c);

    if (u >= 'A' && u <= 'Z')
        return map[u - 'A'];
    return c;
}

bool twilio_contains_valid(const char *pattern)
{
    size_t len = strlen(pattern), body = 0;

    if (len > 0 && pattern[0] == '+') {
        pattern++;
        len--;
    }
    if (len > 0 && pattern[len - 1] == '$')
        len--;
    for (size_t i = 0; i < len; i++) {
        char c = pattern[i];
        if (!isdigit((unsigned char)c) && !isalpha((unsigned char)c) && c != '*' && c != '%')
            return false;
        body++;
    }
    return body >= 2 && body <= 16;
}

/* Glob over digits: p[0..plen) against s; anchored_end demands s be consumed. */
static bool glob(const char *p, size_t plen, const char *s, bool anchored_end)
{
    if (plen == 0)
        return !anchored_end || *s == '\0';
    if (*p == '%') {
        for (const char *t = s;; t++) {
            if (glob(p + 1, plen - 1, t, anchored_end))
                return true;
            if (*t == '\0')
                return false;
        }
    }
    if (*s == '\0')
        return false;
    if (*p == '*' ? isdigit((unsigned char)*s) : keypad(*p) == *s)
        return glob(p + 1, plen - 1, s + 1, anchored_end);
    return false;
}

bool twilio_contains_match(const char *pattern, const char *e164)
{
    const char *digits = e164[0] == '+' ? e164 + 1 : e164;
    size_t plen = strlen(pattern);
    bool anchored_start = false, anchored_end = false;

    if (plen > 0 && pattern[0] == '+') {
        anchored_start = true;
        pattern++;
        plen--;
    }
    if (plen > 0 && pattern[plen - 1] == '$') {
        anchored_end = true;
        plen--;
    }
    if (anchored_start)
        return glob(pattern, plen, digits, anchored_end);
    for (const char *s = digits; *s != '\0'; s++)
        if (glob(pattern, plen, s, anchored_end))
            return true;
    return false;
}

double twilio_distance_miles(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0, earth_miles = 3958.8;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

    return 2 * earth_miles * asin(sqrt(h > 1 ? 1 : h));
}
