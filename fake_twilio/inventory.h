/* inventory.h: the numbers fake_twilio has for sale, and the search filters over them.
 *
 * The inventory is generated once at start from --seed by an independent fk_prng, so one seed
 * always gives the same numbers in the same order. It covers US, CA and GB, each with Local,
 * TollFree and Mobile numbers (a few hundred per pair), built from a compiled-in table of real
 * area codes with their city, region, LATA, rate center, postal codes and coordinates.
 * It never holds the test-credential magic numbers (+1500555xxxx): those exist only for
 * purchase (see incoming.c). The inventory is immutable once built; which numbers are owned
 * lives in the store, so callers skip owned numbers themselves.
 *
 * Everything here is pure (no store, no HTTP), so tests/unit/test_twilio_inventory.c covers it. */
#ifndef TWILIO_INVENTORY_H
#define TWILIO_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakekit/err.h"

enum twilio_type { TWILIO_LOCAL, TWILIO_TOLLFREE, TWILIO_MOBILE, TWILIO_NTYPES };

/* Capability bits of a number. */
#define TWILIO_CAP_VOICE 1u
#define TWILIO_CAP_SMS   2u
#define TWILIO_CAP_MMS   4u
#define TWILIO_CAP_FAX   8u

/* A place numbers belong to. Strings are static; NULL ones are sent as JSON null. */
struct twilio_area {
    const char *iso;    /* "US" */
    const char *prefix; /* digits after the country code: "415", "20" */
    const char *locality, *region, *lata, *rate_center;
    const char *postal[3]; /* up to three postal codes, NULL-padded */
    double lat, lon;
};

struct twilio_number {
    char e164[20];     /* "+14155550100" */
    char friendly[24]; /* "(415) 555-0100" for NANP, else the E.164 string */
    char iso[3];       /* "US" */
    enum twilio_type type;
    const struct twilio_area *area;   /* NULL for toll-free and mobile outside NANP */
    const char *postal_code;          /* NULL when area is NULL */
    unsigned caps;                    /* TWILIO_CAP_* */
    const char *address_requirements; /* "none", "any", "local", "foreign" */
    bool beta;
};

struct twilio_inventory;

/* Build the inventory for seed. NULL on ENOMEM. */
struct twilio_inventory *twilio_inventory_new(uint64_t seed);
void twilio_inventory_free(struct twilio_inventory *inv); /* NULL is a no-op */
size_t twilio_inventory_count(const struct twilio_inventory *inv);
/* The i-th number (i < count); borrowed, lives as long as inv. */
const struct twilio_number *twilio_inventory_at(const struct twilio_inventory *inv, size_t i);
/* The number with this exact E.164 string, or NULL. */
const struct twilio_number *twilio_inventory_find(const struct twilio_inventory *inv,
                                                  const char *e164);
/* Every area (areas.c), and the one with this country and prefix ("US", "415") or NULL. */
extern const struct twilio_area twilio_areas[];
extern const size_t twilio_nareas;
const struct twilio_area *twilio_area_find(const char *iso, const char *prefix);

/* "Local" -> TWILIO_LOCAL ...; -1 when unknown. */
int twilio_type_parse(const char *s);
const char *twilio_type_name(enum twilio_type t); /* "local", "tollfree", "mobile" */
/* True for the North American Numbering Plan (+1): friendly names "(NPA) NXX-XXXX". */
bool twilio_is_nanp(const char *e164);
/* Write the friendly name of e164 into out (at least 24 bytes). */
void twilio_friendly_name(const char *e164, char *out, size_t outlen);

/* Search filters (docs/reference/twilio.md section 2). A tri-state capability filter is -1
 * (absent), 1 (must have it) or 0 (must not have it). Strings are borrowed. */
struct twilio_filter {
    const char *iso; /* required: "US" */
    enum twilio_type type;
    const char *area_code; /* digits after the country code, or NULL */
    const char *contains;  /* a valid pattern (twilio_contains_valid), or NULL */
    int voice, sms, mms, fax;
    bool beta; /* include beta numbers (default true) */
    bool exclude_all_address, exclude_local_address, exclude_foreign_address;
    const char *in_region, *in_postal_code, *in_locality, *in_rate_center, *in_lata;
    bool near; /* near_lat/near_lon/distance_miles are set */
    double near_lat, near_lon, distance_miles;
};

void twilio_filter_init(struct twilio_filter *f, const char *iso, enum twilio_type type);
bool twilio_filter_match(const struct twilio_filter *f, const struct twilio_number *n);

/* Contains patterns: 2 to 16 digits, letters (their keypad digit), '*' (one digit) and '%'
 * (any run of digits, maybe empty); a leading '+' anchors the pattern at the start of the
 * E.164 number (so "+1415" means "starts with +1415"), a trailing '$' at its end. Without
 * anchors the pattern may match anywhere in the number's digits. */
bool twilio_contains_valid(const char *pattern);
bool twilio_contains_match(const char *pattern, const char *e164);

/* Great-circle distance in miles (NearLatLong / Distance). */
double twilio_distance_miles(double lat1, double lon1, double lat2, double lon2);

#endif
