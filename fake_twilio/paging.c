/* paging.c: page arithmetic, page URIs and the list envelope. */
#include "fake_twilio/paging.h"

#include <errno.h>
#include <stdlib.h>

#include "fakekit/buf.h"
#include "fakekit/json.h"

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v;

    if (s == NULL || *s == '\0')
        return FK_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return FK_EINVAL;
    *out = v;
    return 0;
}

int twilio_parse_page_size(const char *s, long *out)
{
    if (s == NULL) {
        *out = TWILIO_PAGE_SIZE_DEFAULT;
        return 0;
    }
    return parse_long(s, 1, TWILIO_PAGE_SIZE_MAX, out);
}

int twilio_parse_page(const char *s, long *out)
{
    if (s == NULL) {
        *out = 0;
        return 0;
    }
    return parse_long(s, 0, TWILIO_PAGE_MAX, out);
}

void twilio_page_compute(long page, long size, long total, struct twilio_page *pg)
{
    pg->page = page;
    pg->size = size;
    pg->offset = page * size;
    pg->count = total > pg->offset ? total - pg->offset : 0;
    if (pg->count > size)
        pg->count = size;
    pg->start = pg->offset;
    pg->end = pg->count > 0 ? pg->offset + pg->count - 1 : pg->offset;
    pg->has_prev = page > 0;
    pg->has_next = pg->offset + size < total;
}

char *twilio_page_uri(const char *path, const struct fk_kv *filters, size_t nfilters, long size,
                      long page)
{
    struct fk_buf b;
    int rc;

    fk_buf_init(&b, 64 * 1024);
    rc = fk_buf_printf(&b, "%s?", path);
    for (size_t i = 0; rc == 0 && i < nfilters; i++) {
        char *v;
        if (filters[i].value == NULL)
            continue;
        v = fk_url_encode(filters[i].value);
        rc = v != NULL ? fk_buf_printf(&b, "%s=%s&", filters[i].key, v) : FK_ENOMEM;
        free(v);
    }
    if (rc == 0)
        rc = fk_buf_printf(&b, "PageSize=%ld&Page=%ld", size, page);
    if (rc != 0) {
        fk_buf_cleanup(&b);
        return NULL;
    }
    return fk_buf_take(&b, NULL);
}

static int add_uri(cJSON *obj, const char *key, const char *path, const struct fk_kv *filters,
                   size_t nfilters, long size, long page, bool present)
{
    char *uri = NULL;
    int rc;

    if (!present)
        return cJSON_AddNullToObject(obj, key) != NULL ? 0 : FK_ENOMEM;
    uri = twilio_page_uri(path, filters, nfilters, size, page);
    if (uri == NULL)
        return FK_ENOMEM;
    rc = cJSON_AddStringToObject(obj, key, uri) != NULL ? 0 : FK_ENOMEM;
    free(uri);
    return rc;
}

int twilio_page_envelope(cJSON *obj, const struct twilio_page *pg, const char *path,
                         const struct fk_kv *filters, size_t nfilters)
{
    if (cJSON_AddNumberToObject(obj, "page", (double)pg->page) == NULL ||
        cJSON_AddNumberToObject(obj, "page_size", (double)pg->size) == NULL ||
        cJSON_AddNumberToObject(obj, "start", (double)pg->start) == NULL ||
        cJSON_AddNumberToObject(obj, "end", (double)pg->end) == NULL)
        return FK_ENOMEM;
    if (add_uri(obj, "first_page_uri", path, filters, nfilters, pg->size, 0, true) != 0 ||
        add_uri(obj, "next_page_uri", path, filters, nfilters, pg->size, pg->page + 1,
                pg->has_next) != 0 ||
        add_uri(obj, "previous_page_uri", path, filters, nfilters, pg->size, pg->page - 1,
                pg->has_prev) != 0 ||
        add_uri(obj, "uri", path, filters, nfilters, pg->size, pg->page, true) != 0)
        return FK_ENOMEM;
    return 0;
}
