/* filter.h: the filters of ListSIP*Request (livekit/sip.go FilterSlice), on sparse items.
 *
 * lk_filter_list is the one place the filters are applied; callers hand it either every
 * stored row or, for speed, a superset of the rows it keeps read through the index tables
 * (db.h): the answer is the same. */
#ifndef LK_FILTER_H
#define LK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* livekit.NormalizeNumber: "+1 (510) 555-0100" -> "+15105550100"; others unchanged.
 * out >= strlen(num) + 2 bytes. */
void lk_normalize_number(const char *num, char *out, size_t outlen);

/* Apply ListSIP*Request filters (trunk_ids in requested order, missing ids as null items;
 * numbers, wildcard trunks included; page after_id/limit) to items (taken). Returns the
 * new array or NULL on ENOMEM. normalize: compare numbers normalised (inbound). */
cJSON *lk_filter_list(cJSON *items, const cJSON *req, const char *idkey, const char *idsfield,
                      const char *numfield, bool normalize);

#endif
