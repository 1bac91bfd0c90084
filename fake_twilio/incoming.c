/* incoming.c: IncomingPhoneNumbers handlers (docs/reference/twilio.md sections 3 to 5 and 7). */
#include "fake_twilio/incoming.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_twilio/auth.h"
#include "fake_twilio/errors.h"
#include "fake_twilio/inventory.h"
#include "fake_twilio/owned.h"
#include "fake_twilio/paging.h"
#include "fake_twilio/resource.h"
#include "fake_twilio/state.h"
#include "fakekit/clock.h"
#include "fakekit/log.h"

bool twilio_e164_valid(const char *s)
{
    size_t n;

    if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
        return false;
    n = strlen(s + 1);
    if (n < 8 || n > 15)
        return false;
    for (size_t i = 1; i <= n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* The type a per-type resource's path names (.../IncomingPhoneNumbers/Local.json, Mobile.json,
 * TollFree.json), or -1 for the plain .../IncomingPhoneNumbers.json. */
static int path_type(const char *path)
{
    static const char *const tails[TWILIO_NTYPES] = {
        [TWILIO_LOCAL] = "/IncomingPhoneNumbers/Local.json",
        [TWILIO_TOLLFREE] = "/IncomingPhoneNumbers/TollFree.json",
        [TWILIO_MOBILE] = "/IncomingPhoneNumbers/Mobile.json",
    };
    size_t n = strlen(path);

    for (int t = 0; t < TWILIO_NTYPES; t++) {
        size_t k = strlen(tails[t]);
        if (n >= k && strcmp(path + n - k, tails[t]) == 0)
            return t;
    }
    return -1;
}

static void form_vals(const struct fk_req *req, const char **vals)
{
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        vals[i] = fk_req_form(req, twilio_fields[i].form);
}

/* Answer with the stored resource: 201 after create, 200 otherwise. */
static int answer_resource(const struct fk_req *req, struct fk_resp *resp, const char *account,
                           const char *sid, unsigned status)
{
    cJSON *o = NULL;
    int rc = twilio_ipn_get(req->store, account, sid, &o);

    if (rc == FK_ENOTFOUND)
        return twilio_error(resp, 20404, NULL, req->path, 0);
    if (rc != 0)
        return rc;
    return fk_resp_json(resp, status, o);
}

/* The form's fields (twilio_fields_validate), or the error answered. A check
 * (fakekit/err.h): FK_OK, FK_ANSWERED or a negative fk_err. */
static int fields_check(const char *const *vals, struct fk_resp *resp)
{
    char msg[128];
    int code;

    if (twilio_fields_validate(vals, &code, msg, sizeof msg) == 0)
        return FK_OK;
    return fk_answered(twilio_error(resp, code, msg, NULL, 0));
}

/* Pick the number to buy, or answer the error. A check (fakekit/err.h): FK_OK with *num set
 * (NULL with *magic set for +15005550006), FK_ANSWERED when resp holds the error, or a
 * negative fk_err. */
static int choose(const struct fk_req *req, struct fk_resp *resp, const struct twilio_number **num,
                  bool *magic)
{
    const struct twilio_svc *svc = req->svc;
    const char *pn = fk_req_form(req, "PhoneNumber"), *ac = fk_req_form(req, "AreaCode");
    int type = path_type(req->path);
    char fixed[32];
    bool use_set;
    int rc;

    *num = NULL;
    *magic = false;
    /* The per-type creates take PhoneNumber only, required (twilio-oai
     * spec/json/twilio_api_v2010.json: CreateIncomingPhoneNumberLocalRequest and its
     * siblings list "required": ["PhoneNumber"] and have no AreaCode). */
    if (type >= 0 && pn == NULL)
        return fk_answered(twilio_error(resp, 21421, "A 'PhoneNumber' is required", NULL, 0));
    if (pn != NULL) {
        snprintf(fixed, sizeof fixed, "%s", pn);
        if (fixed[0] == ' ')
            fixed[0] = '+';
        if (strcmp(fixed, TWILIO_MAGIC_OK) == 0) {
            *magic = true;
            return FK_OK;
        }
        if (strcmp(fixed, TWILIO_MAGIC_INVALID) == 0 || !twilio_e164_valid(fixed) ||
            strlen(pn) >= sizeof fixed)
            rc = fk_answered(twilio_error(resp, 21421, NULL, NULL, 0));
        else if ((*num = twilio_inventory_find(svc->inv, fixed)) == NULL ||
                 twilio_ipn_owned(req->store, fixed) || (type >= 0 && (int)(*num)->type != type))
            rc = fk_answered(twilio_error(resp, 21422, NULL, NULL, 0));
        else
            return FK_OK;
        return rc;
    }
    if (ac == NULL)
        /* The real code for "neither given" is unknown (docs/reference/twilio.md section 3); 21421
         * names the parameter that is missing. */
        return fk_answered(
            twilio_error(resp, 21421, "A 'PhoneNumber' or 'AreaCode' is required", NULL, 0));
    if (strlen(ac) != 3 || !isdigit((unsigned char)ac[0]) || !isdigit((unsigned char)ac[1]) ||
        !isdigit((unsigned char)ac[2]))
        return fk_answered(twilio_error(resp, 21451, NULL, NULL, 0));
    if (strcmp(ac, "500") == 0) {
        *magic = true;
        return FK_OK;
    }
    /* The owned set skips owned numbers without a query each; if the table cannot be read
     * into it, each candidate is asked for (failing closed) as before. */
    use_set = twilio_owned_sync(svc->owned, req->store) == 0;
    for (size_t i = 0, n = twilio_inventory_count(svc->inv); i < n; i++) {
        const struct twilio_number *c = twilio_inventory_at(svc->inv, i);
        if (use_set && twilio_owned_at(svc->owned, i))
            continue;
        if (c->type == TWILIO_LOCAL && twilio_is_nanp(c->e164) &&
            strncmp(c->e164 + 2, ac, 3) == 0 &&
            (use_set || !twilio_ipn_owned(req->store, c->e164))) {
            *num = c;
            return FK_OK;
        }
    }
    /* 533 lands here too: no area of the inventory uses it (docs/reference/twilio.md section 7). */
    return fk_answered(twilio_error(resp, 21452, NULL, NULL, 0));
}

int twilio_ipn_create(const struct fk_req *req, struct fk_resp *resp)
{
    const char *account = req->params[0];
    const char *vals[TWILIO_NFIELDS];
    const struct twilio_number *num = NULL;
    struct twilio_ipn_new n = {0};
    struct fk_error err = {{0}};
    char sid[40];
    bool magic = false;
    int rc;

    if ((rc = twilio_auth(req, account, resp)) != FK_OK)
        return fk_handler_rc(rc);
    form_vals(req, vals);
    if ((rc = fields_check(vals, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if ((rc = choose(req, resp, &num, &magic)) != FK_OK)
        return fk_handler_rc(rc);
    n.account_sid = account;
    n.created_us = fk_now_us();
    if (magic) {
        n.phone_number = TWILIO_MAGIC_OK;
        n.iso_country = "US";
        n.type = "local";
        n.address_requirements = "none";
        n.caps = TWILIO_CAP_VOICE | TWILIO_CAP_SMS | TWILIO_CAP_MMS;
    } else {
        n.phone_number = num->e164;
        n.iso_country = num->iso;
        n.type = twilio_type_name(num->type);
        n.address_requirements = num->address_requirements;
        n.caps = num->caps;
        n.beta = num->beta;
    }
    rc = twilio_ipn_insert(req->store, &n, vals, sid, &err);
    if (rc != 0) {
        char qn[FK_LOG_QUOTED], qr[FK_LOG_QUOTED];
        fk_log(FK_LOG_ERROR, "event=buy_failed number=%s reason=%s",
               fk_log_quote(qn, sizeof(qn), n.phone_number), fk_log_quote(qr, sizeof(qr), err.msg));
        return rc;
    }
    return answer_resource(req, resp, account, sid, 201);
}

int twilio_ipn_list_handler(const struct fk_req *req, struct fk_resp *resp)
{
    const char *account = req->params[0], *token = fk_req_arg(req, "PageToken");
    struct twilio_ipn_filter f = {0};
    struct twilio_page pg;
    char phone[64];
    cJSON *body = NULL, *arr = NULL;
    long size = 0, page = 0, total = 0;
    int rc;

    if ((rc = twilio_auth(req, account, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if (twilio_parse_page_size(fk_req_arg(req, "PageSize"), &size) != 0)
        return twilio_error(resp, 20001, "PageSize must be an integer from 1 to 1000", NULL, 0);
    if (twilio_parse_page(fk_req_arg(req, "Page"), &page) != 0)
        return twilio_error(resp, 20001, "Page must be a non-negative integer", NULL, 0);
    /* The fake's own next links carry no token; a client's token must at least look like
     * Twilio's ("PA..."), else 21481 as the real API says. */
    if (token != NULL && strncmp(token, "PA", 2) != 0)
        return twilio_error(resp, 21481, NULL, NULL, 0);
    f.phone_number = fk_req_arg(req, "PhoneNumber");
    if (f.phone_number != NULL && f.phone_number[0] == ' ') {
        snprintf(phone, sizeof phone, "+%s", f.phone_number + 1);
        f.phone_number = phone;
    }
    f.friendly_name = fk_req_arg(req, "FriendlyName");
    f.beta = fk_req_arg(req, "Beta");
    f.origin = fk_req_arg(req, "Origin");
    if (path_type(req->path) >= 0)
        f.type = twilio_type_name((enum twilio_type)path_type(req->path));
    body = cJSON_CreateObject();
    if (body == NULL || (arr = cJSON_AddArrayToObject(body, "incoming_phone_numbers")) == NULL)
        goto nomem;
    rc = twilio_ipn_list(req->store, account, &f, page * size, size, arr, &total);
    if (rc != 0) {
        cJSON_Delete(body);
        return rc;
    }
    twilio_page_compute(page, size, total, &pg);
    {
        /* The filter order of the spec's example URIs. */
        const struct fk_kv filters[] = {{"FriendlyName", f.friendly_name},
                                        {"Beta", f.beta},
                                        {"PhoneNumber", f.phone_number},
                                        {"Origin", f.origin}};
        if (twilio_page_envelope(body, &pg, req->path, filters, 4) != 0)
            goto nomem;
    }
    return fk_resp_json(resp, 200, body);
nomem:
    cJSON_Delete(body);
    return FK_ENOMEM;
}

int twilio_ipn_fetch(const struct fk_req *req, struct fk_resp *resp)
{
    int rc = twilio_auth(req, req->params[0], resp);

    if (rc != FK_OK)
        return fk_handler_rc(rc);
    return answer_resource(req, resp, req->params[0], req->params[1], 200);
}

int twilio_ipn_update_handler(const struct fk_req *req, struct fk_resp *resp)
{
    const char *account = req->params[0], *sid = req->params[1];
    const char *move = fk_req_form(req, "AccountSid");
    const char *vals[TWILIO_NFIELDS];
    struct fk_error err = {{0}};
    int rc;

    if ((rc = twilio_auth(req, account, resp)) != FK_OK)
        return fk_handler_rc(rc);
    form_vals(req, vals);
    if ((rc = fields_check(vals, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if (move != NULL && strcmp(move, account) != 0) {
        /* Moving needs an account the fake knows; the real API also wants it to be a
         * subaccount of the caller, which the fake does not model. */
        if (!twilio_account_exists(req->store, move))
            return twilio_error(resp, 20001, "AccountSid is not a known account", NULL, 0);
    } else {
        move = NULL;
    }
    rc = twilio_ipn_update(req->store, account, sid, vals, move, fk_now_us(), &err);
    if (rc == FK_ENOTFOUND)
        return twilio_error(resp, 20404, NULL, req->path, 0);
    if (rc != 0)
        return rc;
    return answer_resource(req, resp, move != NULL ? move : account, sid, 200);
}

int twilio_ipn_delete_handler(const struct fk_req *req, struct fk_resp *resp)
{
    int rc = twilio_auth(req, req->params[0], resp);
    char phone[64] = "";

    if (rc != FK_OK)
        return fk_handler_rc(rc);
    rc = twilio_ipn_delete(req->store, req->params[0], req->params[1], phone, sizeof phone);
    if (rc == FK_ENOTFOUND)
        return twilio_error(resp, 20404, NULL, req->path, 0);
    if (rc != 0)
        return rc;
    return fk_resp_set(resp, 204, NULL, NULL, 0);
}
