/* qa_probe.h: what a `fakes test` case asks the running fakes, as their clients would.
 *
 * Sign-in goes through GoTrue's password grant with the anon key; bad tokens are signed
 * here with the project's JWT secret. Totals are read through each service's public API
 * with its credential (Twilio Basic, the Supabase service_role key, a LiveKit token with
 * the sip.admin grant), so "one number bought, stored and registered" is checked the way a
 * client would see it. Journal counts and excerpts come from the admin API. */
#ifndef FX_QA_PROBE_H
#define FX_QA_PROBE_H

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakes/state.h"

struct fx_probe {
    const struct fx_running *fakes; /* FX_NFAKES, in fx_fake_names order */
    const struct fx_creds *creds;
};

/* user: {"email","password"} signs in; {"token":"expired"|"garbage","id":UUID} makes a bad
 * token; NULL leaves both empty. Writes the access token and the user id. 0, or FK_EIO with
 * err saying what GoTrue answered. */
int fx_probe_login(const struct fx_probe *p, const cJSON *user, char *token, size_t token_len,
                   char *user_id, size_t id_len, struct fk_error *err) FK_MUST_CHECK;

/* Requests in service's journal matching method and path glob (either may be NULL) and
 * status (0: any); -1 when the fake did not answer. */
long fx_probe_journal_count(const struct fx_probe *p, const char *service, const char *method,
                            const char *path, int status);

/* The totals of the expect file's "final": twilio_numbers, phone_numbers, trunks,
 * dispatch_rules; -1 for a total that could not be read. */
struct fx_totals {
    long v[4];
};
extern const char *const fx_total_names[4];
void fx_probe_totals(const struct fx_probe *p, struct fx_totals *t);

/* The last max entries of the three journals merged in time order, one line each (caller
 * frees; "" when none; NULL on ENOMEM). */
char *fx_probe_journal_tail(const struct fx_probe *p, int max);

/* DELETE every fault and rate limit on the three fakes (the network "recovers"). 0 or
 * FK_EIO with err. */
int fx_probe_clear_faults(const struct fx_probe *p, struct fk_error *err) FK_MUST_CHECK;

#endif
