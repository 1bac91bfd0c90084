/* countries.c: the AvailablePhoneNumbers country resources (countries.h). */
#include "fake_twilio/countries.h"

#include <stdio.h>
#include <string.h>

#include "fake_twilio/auth.h"
#include "fake_twilio/errors.h"
#include "fake_twilio/inventory.h"
#include "fake_twilio/state.h"

static const struct {
    const char *iso, *name;
} countries[] = {{"US", "United States"}, {"CA", "Canada"}, {"GB", "United Kingdom"}};

/* The subresource key and path segment of each type, in the spec's order. */
static const struct {
    enum twilio_type type;
    const char *key, *segment;
} kinds[] = {{TWILIO_LOCAL, "local", "Local"},
             {TWILIO_TOLLFREE, "toll_free", "TollFree"},
             {TWILIO_MOBILE, "mobile", "Mobile"}};

/* Which types the inventory has in iso, as bits (1 << type); 0: not a country of the fake. */
static unsigned types_of(const struct twilio_inventory *inv, const char *iso)
{
    unsigned bits = 0;
    for (size_t i = 0, n = twilio_inventory_count(inv); i < n; i++) {
        const struct twilio_number *num = twilio_inventory_at(inv, i);
        if (strcmp(num->iso, iso) == 0)
            bits |= 1u << num->type;
    }
    return bits;
}

/* The country resource, or NULL (ENOMEM). */
static cJSON *country_json(const char *account, const char *iso, const char *name, unsigned bits)
{
    char uri[256];
    cJSON *o = cJSON_CreateObject(), *subs = NULL;

    snprintf(uri, sizeof uri, "/2010-04-01/Accounts/%s/AvailablePhoneNumbers/%s.json", account,
             iso);
    if (!o || !cJSON_AddStringToObject(o, "country_code", iso) ||
        !cJSON_AddStringToObject(o, "country", name) || !cJSON_AddStringToObject(o, "uri", uri) ||
        !cJSON_AddFalseToObject(o, "beta") ||
        !(subs = cJSON_AddObjectToObject(o, "subresource_uris")))
        goto nomem;
    for (size_t k = 0; k < FK_NELEM(kinds); k++) {
        if (!(bits & (1u << kinds[k].type)))
            continue;
        snprintf(uri, sizeof uri, "/2010-04-01/Accounts/%s/AvailablePhoneNumbers/%s/%s.json",
                 account, iso, kinds[k].segment);
        if (!cJSON_AddStringToObject(subs, kinds[k].key, uri))
            goto nomem;
    }
    return o;
nomem:
    cJSON_Delete(o);
    return NULL;
}

int twilio_countries_list(const struct fk_req *req, struct fk_resp *resp)
{
    const struct twilio_svc *svc = req->svc;
    const char *account = req->params[0];
    cJSON *body, *arr;
    int rc = twilio_auth(req, account, resp);

    if (rc != FK_OK)
        return fk_handler_rc(rc);
    body = cJSON_CreateObject();
    if (!body || !(arr = cJSON_AddArrayToObject(body, "countries")))
        goto nomem;
    for (size_t i = 0; i < FK_NELEM(countries); i++) {
        unsigned bits = types_of(svc->inv, countries[i].iso);
        cJSON *c = bits ? country_json(account, countries[i].iso, countries[i].name, bits) : NULL;
        if (bits && (!c || !cJSON_AddItemToArray(arr, c))) {
            cJSON_Delete(c);
            goto nomem;
        }
    }
    if (!cJSON_AddStringToObject(body, "uri", req->path))
        goto nomem;
    return fk_resp_json(resp, 200, body);
nomem:
    cJSON_Delete(body);
    return FK_ENOMEM;
}

int twilio_country_fetch(const struct fk_req *req, struct fk_resp *resp)
{
    const struct twilio_svc *svc = req->svc;
    const char *account = req->params[0], *iso = req->params[1];
    int rc = twilio_auth(req, account, resp);

    if (rc != FK_OK)
        return fk_handler_rc(rc);
    for (size_t i = 0; i < FK_NELEM(countries); i++) {
        unsigned bits;
        if (strcmp(countries[i].iso, iso) != 0 || !(bits = types_of(svc->inv, iso)))
            continue;
        cJSON *c = country_json(account, iso, countries[i].name, bits);
        return c ? fk_resp_json(resp, 200, c) : FK_ENOMEM;
    }
    return twilio_error(resp, 20404, NULL, req->path, 0);
}
