/* fuzz_prov.c: the provisioner's response parsers (provisioner/{twilio,supabase,livekit}_api.c,
 * job.c) and Retry-After.
 *
 * Input: one selector byte, then a response body. The body is parsed with cJSON and given to
 * the parser the selector names, as the provisioner does with a live answer: Twilio search,
 * IncomingPhoneNumber, IncomingPhoneNumbers page, GoTrue user, PostgREST phone_numbers and
 * provisioning_jobs rows, LiveKit ids and item lists, and the error-code readers. A success
 * must give NUL-terminated, non-empty required fields; a failure must say why. The body text
 * is also a Retry-After value: the wait is -1 (unusable) or 0..86400 s, and plain delta
 * seconds give exactly that many. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/retry.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void retry_after(const char *text)
{
    long ms = prov_retry_after_ms(text, 1700000000);
    size_t i = 0;

    if (ms < -1 || ms > 86400L * 1000)
        abort();
    while (text[i] == ' ')
        i++;
    size_t start = i;
    while (isdigit((unsigned char)text[i]))
        i++;
    if (i > start && i - start < 9 && text[i] == '\0') {
        long want = strtol(text + start, NULL, 10);
        if (ms != (want > 86400 ? 86400 : want) * 1000)
            abort(); /* delta seconds, capped at a day */
    }
}

static int parse(unsigned sel, const cJSON *j, struct fk_error *err)
{
    int rc = FK_EINVAL;

    switch (sel % 10) {
    case 0: {
        struct prov_tw_candidates c;
        if ((rc = prov_tw_parse_search(j, &c, err)) == 0) {
            if (c.n > PROV_TW_MAX_CANDIDATES)
                abort();
            for (size_t i = 0; i < c.n; i++)
                if (c.numbers[i][0] == '\0' || !TERMINATED(c.numbers[i]))
                    abort();
        }
        break;
    }
    case 1: {
        struct prov_tw_number n;
        if ((rc = prov_tw_parse_number(j, &n, err)) == 0 &&
            (!TERMINATED(n.sid) || !TERMINATED(n.phone_number) || !TERMINATED(n.friendly_name) ||
             n.sid[0] == '\0'))
            abort();
        break;
    }
    case 2: {
        struct prov_tw_list l = {0};
        char *next = NULL;
        if ((rc = prov_tw_parse_list(j, &l, &next, err)) == 0 && l.n > l.cap)
            abort();
        prov_tw_list_cleanup(&l);
        free(next);
        break;
    }
    case 3: {
        char id[64];
        if ((rc = prov_sb_parse_user(j, id, sizeof(id), err)) == 0 && !TERMINATED(id))
            abort();
        break;
    }
    case 4:
    case 5: {
        const cJSON *row = NULL;
        struct prov_sb_phone ph;
        struct prov_job job;
        if ((rc = prov_sb_first_row(j, &row, err)) == 0 && row != NULL)
            rc =
                sel % 10 == 4 ? prov_sb_parse_phone(row, &ph, err) : prov_job_parse(row, &job, err);
        if (rc == 0 && row != NULL && sel % 10 == 5 &&
            (!TERMINATED(job.id) || !TERMINATED(job.status) ||
             (unsigned)job.step > PROV_STEP_REGISTERED))
            abort();
        break;
    }
    case 6: {
        char id[64];
        rc = prov_lk_parse_id(j, "sip_trunk_id", "sipTrunkId", id, sizeof(id), err);
        if (rc == 0 && (id[0] == '\0' || !TERMINATED(id)))
            abort();
        break;
    }
    case 7:
    case 8: {
        struct prov_lk_items *items = calloc(1, sizeof(*items));
        if (items == NULL)
            return 0;
        rc = prov_lk_parse_items(j, sel % 10 == 8, (sel & 0x80) ? NULL : "ST_1", items, err);
        if (rc == 0 && items->n > PROV_LK_MAX_ITEMS)
            abort();
        prov_lk_items_cleanup(items);
        free(items);
        break;
    }
    default: {
        const char *code = prov_sb_error_code(j);
        if (code == NULL)
            abort();
        (void)prov_tw_error_code(j);
        rc = 0;
        break;
    }
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fk_error err = {{0}};
    char *text;
    cJSON *j;

    if (size < 1 || (text = malloc(size)) == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    retry_after(text);
    j = cJSON_ParseWithLength(text, size - 1); /* NULL: the body did not parse */
    if (parse(data[0], j, &err) == FK_EINVAL && j != NULL && err.msg[0] == '\0')
        abort();
    cJSON_Delete(j);
    free(text);
    return 0;
}
