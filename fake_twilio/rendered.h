/* rendered.h: the items of AvailablePhoneNumbers searches as JSON text, each rendered once.
 *
 * Below the search handler (numbers.c) and built with the fake's state (state.c); calls only
 * the inventory and cJSON. */
#ifndef TWILIO_RENDERED_H
#define TWILIO_RENDERED_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_twilio/inventory.h"

/* One search result item. NULL on ENOMEM. */
cJSON *twilio_available_json(const struct twilio_number *n);

/* The items of an inventory as text: item i is exactly
 * cJSON_PrintUnformatted(twilio_available_json(twilio_inventory_at(inv, i))), rendered on
 * first use. Not thread-safe by itself: the search handler runs with the store locked, which
 * serialises every use (fakekit/store.h). */
struct twilio_rendered;

/* A cache for inv (borrowed; must outlive it). NULL on ENOMEM. */
struct twilio_rendered *twilio_rendered_new(const struct twilio_inventory *inv);
void twilio_rendered_free(struct twilio_rendered *r); /* NULL is a no-op */
size_t twilio_rendered_count(const struct twilio_rendered *r);
/* Item i's text (i < count); borrowed, lives as long as r. NULL on ENOMEM. */
const char *twilio_rendered_item(struct twilio_rendered *r, size_t i, size_t *len);

#endif
