/* rendered.c: search items as JSON text, rendered once (see rendered.h). */
#include "fake_twilio/rendered.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/json.h"

static int add_coord(cJSON *o, const char *key, const struct twilio_area *a, double v)
{
    char buf[32];

    if (a == NULL)
        return cJSON_AddNullToObject(o, key) != NULL ? 0 : FK_ENOMEM;
    snprintf(buf, sizeof buf, "%.6f", v);
    return cJSON_AddStringToObject(o, key, buf) != NULL ? 0 : FK_ENOMEM;
}

cJSON *twilio_available_json(const struct twilio_number *n)
{
    const struct twilio_area *a = n->area;
    cJSON *o = cJSON_CreateObject(), *caps = NULL;

    if (o == NULL || cJSON_AddStringToObject(o, "friendly_name", n->friendly) == NULL ||
        cJSON_AddStringToObject(o, "phone_number", n->e164) == NULL ||
        fk_json_add_string_or_null(o, "lata", a ? a->lata : NULL) != 0 ||
        fk_json_add_string_or_null(o, "locality", a ? a->locality : NULL) != 0 ||
        fk_json_add_string_or_null(o, "rate_center", a ? a->rate_center : NULL) != 0 ||
        add_coord(o, "latitude", a, a ? a->lat : 0) != 0 ||
        add_coord(o, "longitude", a, a ? a->lon : 0) != 0 ||
        fk_json_add_string_or_null(o, "region", a ? a->region : NULL) != 0 ||
        fk_json_add_string_or_null(o, "postal_code", n->postal_code) != 0 ||
        cJSON_AddStringToObject(o, "iso_country", n->iso) == NULL ||
        cJSON_AddStringToObject(o, "address_requirements", n->address_requirements) == NULL ||
        cJSON_AddBoolToObject(o, "beta", n->beta) == NULL ||
        (caps = cJSON_AddObjectToObject(o, "capabilities")) == NULL ||
        /* Search capabilities use the live API's keys (docs/reference/twilio.md section 2). */
        cJSON_AddBoolToObject(caps, "voice", (n->caps & TWILIO_CAP_VOICE) != 0) == NULL ||
        cJSON_AddBoolToObject(caps, "SMS", (n->caps & TWILIO_CAP_SMS) != 0) == NULL ||
        cJSON_AddBoolToObject(caps, "MMS", (n->caps & TWILIO_CAP_MMS) != 0) == NULL ||
        cJSON_AddBoolToObject(caps, "fax", (n->caps & TWILIO_CAP_FAX) != 0) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Each item rendered on first use: an inventory of thousands costs nothing at start-up, and
 * a number is rendered once however often it is searched. */
struct twilio_rendered {
    const struct twilio_inventory *inv;
    char **text; /* NULL until rendered; cJSON_PrintUnformatted's buffer */
    size_t *len;
    size_t n;
};

struct twilio_rendered *twilio_rendered_new(const struct twilio_inventory *inv)
{
    size_t n = twilio_inventory_count(inv);
    struct twilio_rendered *r = calloc(1, sizeof *r);

    if (r == NULL || (r->text = calloc(n + 1, sizeof *r->text)) == NULL ||
        (r->len = calloc(n + 1, sizeof *r->len)) == NULL) {
        twilio_rendered_free(r);
        return NULL;
    }
    r->inv = inv;
    r->n = n;
    return r;
}

void twilio_rendered_free(struct twilio_rendered *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->text != NULL && i < r->n; i++)
        cJSON_free(r->text[i]);
    free(r->text);
    free(r->len);
    free(r);
}

size_t twilio_rendered_count(const struct twilio_rendered *r)
{
    return r->n;
}

const char *twilio_rendered_item(struct twilio_rendered *r, size_t i, size_t *len)
{
    if (r->text[i] == NULL) {
        cJSON *item = twilio_available_json(twilio_inventory_at(r->inv, i));
        r->text[i] = item != NULL ? cJSON_PrintUnformatted(item) : NULL;
        cJSON_Delete(item);
        if (r->text[i] == NULL)
            return NULL;
        r->len[i] = strlen(r->text[i]);
    }
    *len = r->len[i];
    return r->text[i];
}
