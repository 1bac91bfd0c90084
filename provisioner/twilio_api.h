/* twilio_api.h: the Twilio REST 2010-04-01 calls of the flow, and their response parsers.
 *
 * HTTP Basic with the account SID and auth token; JSON answers (docs/reference/twilio.md). The
 * parsers take a parsed body and never trust it: wrong types, missing keys and oversize
 * strings are errors, not crashes. Purchases are tagged with FriendlyName "prov:<job id>" so
 * that an ambiguous purchase can be found again by listing IncomingPhoneNumbers with that
 * FriendlyName (docs/reference/twilio.md section 5).
 *
 * Layer 3 (exit.h): called by the steps, flow and reconcile layers; returns 0 or a
 * negative fk_err with r filled, and records nothing. */
#ifndef PROV_TWILIO_API_H
#define PROV_TWILIO_API_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "provisioner/ctx.h"

#define PROV_TW_MAX_CANDIDATES 50
#define PROV_TAG_PREFIX        "prov:"

struct prov_tw_number {
    char sid[64];
    char phone_number[40];
    char friendly_name[80];
};

struct prov_tw_candidates {
    size_t n;
    char numbers[PROV_TW_MAX_CANDIDATES][40];
};

/* A growable list of numbers (reconcile). */
struct prov_tw_list {
    struct prov_tw_number *items;
    size_t n, cap;
};
void prov_tw_list_cleanup(struct prov_tw_list *l);

/* Parsers (pure). 0, or FK_EINVAL with err saying what is wrong. */
int prov_tw_parse_search(const cJSON *body, struct prov_tw_candidates *out,
                         struct fk_error *err) FK_MUST_CHECK;
int prov_tw_parse_number(const cJSON *body, struct prov_tw_number *out,
                         struct fk_error *err) FK_MUST_CHECK;
/* An IncomingPhoneNumbers page: items appended to out; *next gets next_page_uri (caller
 * frees, NULL when last). */
int prov_tw_parse_list(const cJSON *body, struct prov_tw_list *out, char **next,
                       struct fk_error *err) FK_MUST_CHECK;
/* The Twilio error code of an error body ({"code":21422,...}); 0 if none. */
long prov_tw_error_code(const cJSON *body);

/* The FriendlyName tag of a job: "prov:<job id>" (at most 64 characters). */
void prov_tw_tag(const char *job_id, char out[80]);

/* Calls. Each returns 0 on success; otherwise nonzero with r describing the failure. */
/* Search AvailablePhoneNumbers/{country}/{Local|TollFree|Mobile}.json. */
int prov_tw_search(struct prov_ctx *ctx, const char *country, const char *type,
                   const char *area_code, struct prov_tw_candidates *out, struct prov_result *r);
/* POST IncomingPhoneNumbers.json (never retried after an ambiguous failure). */
int prov_tw_buy(struct prov_ctx *ctx, const char *number, const char *tag,
                struct prov_tw_number *out, struct prov_result *r);
/* List IncomingPhoneNumbers?FriendlyName=tag; *found tells whether one exists. */
int prov_tw_find_tag(struct prov_ctx *ctx, const char *tag, struct prov_tw_number *out, bool *found,
                     struct prov_result *r);
/* Every number tagged exactly tag (all pages), appended to out. */
int prov_tw_find_tagged(struct prov_ctx *ctx, const char *tag, struct prov_tw_list *out,
                        struct prov_result *r);
/* Every IncomingPhoneNumber of the account, all pages. */
int prov_tw_list_all(struct prov_ctx *ctx, struct prov_tw_list *out, struct prov_result *r);
/* DELETE IncomingPhoneNumbers/{sid}.json; 404 counts as done. */
int prov_tw_release(struct prov_ctx *ctx, const char *sid, struct prov_result *r);

#endif
