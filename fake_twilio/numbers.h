/* numbers.h: GET .../AvailablePhoneNumbers/{Country}/{Local,TollFree,Mobile}.json.
 *
 * Answers 200 {"uri", "available_phone_numbers": [...]} with at most PageSize numbers of the
 * inventory that match the filters and that no account owns (docs/reference/twilio.md section 2).
 * Items have the 13 fields of the official schema; capabilities use the live API's keys voice, SMS,
 * MMS and fax; latitude and longitude are strings with six decimals, null without a location. Like
 * the live API, search has no paging envelope.
 *
 * Every inventory item is rendered to JSON text once, on first use (struct twilio_rendered),
 * so a search only filters and concatenates text instead of building and printing a cJSON
 * tree per request (rendered.h); and whole bodies are kept by path and query until the store
 * changes (fakekit/cache.h), so a repeated search is one lookup and one copy. */
#ifndef TWILIO_NUMBERS_H
#define TWILIO_NUMBERS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fake_twilio/inventory.h"
#include "fake_twilio/rendered.h"
#include "fakekit/buf.h"
#include "fakekit/http.h"
#include "fakekit/store.h"

struct twilio_svc; /* state.h */

/* Route handler; params: account SID, country, type ("Local" from "{type}.json"). */
int twilio_search(const struct fk_req *req, struct fk_resp *resp);

/* Parse the request's query into f (country and type already set in f). Returns 0, or the
 * Twilio error code to answer with a message in msg. Exposed for tests. */
int twilio_search_filter(const struct fk_req *req, struct twilio_filter *f, long *page_size,
                         char *msg, size_t msglen);

/* The search body {"uri":...,"available_phone_numbers":[item,...]} appended to b: the bytes
 * cJSON_PrintUnformatted gives for the equivalent tree, assembled from the pre-rendered
 * items, at most page_size of the numbers matching f that no account owns, in inventory
 * order. *cacheable is cleared when an ownership check failed (the number was left out to be
 * safe, which must not outlive this request). Store locked. 0 or FK_ENOMEM. Exposed for
 * tests. */
int twilio_search_body(const struct twilio_svc *svc, struct fk_store *st,
                       const struct twilio_filter *f, long page_size, const char *uri,
                       struct fk_buf *b, bool *cacheable) FK_MUST_CHECK;

#endif
