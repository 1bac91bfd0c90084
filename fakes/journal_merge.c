/* journal_merge.c: parse, index and sort the fakes' journals; print them as lines or JSON.
 *
 * Times are compared as integers (microseconds), not as text: a fake may one day write an
 * offset other than Z, and "…59.5Z" versus "…59.500001Z" must still order correctly. */
#include "fakes/journal_merge.h"

#include <stdlib.h>
#include <string.h>

void fx_merged_init(struct fx_merged *m)
{
    memset(m, 0, sizeof(*m));
}

void fx_merged_cleanup(struct fx_merged *m)
{
    for (size_t i = 0; i < m->ndocs; i++) {
        cJSON_Delete(m->docs[i]);
        free(m->names[i]);
    }
    free(m->entries);
    memset(m, 0, sizeof(*m));
}

/* Read exactly n digits at *p into *v. */
static bool digits(const char **p, int n, long *v)
{
    long x = 0;

    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

int fx_rfc3339_parse(const char *s, int64_t *us)
{
    long y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0;
    const char *p = s;
    int sign = 0;

    if (s == NULL || !digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-') || !digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return FK_EINVAL;
    p++;
    if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
        !digits(&p, 2, &sec))
        return FK_EINVAL;
    if (*p == '.') {
        int n = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, n++) {
            if (n < 6)
                frac = frac * 10 + (*p - '0');
        }
        if (n == 0)
            return FK_EINVAL;
        for (; n < 6; n++)
            frac *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om))
            return FK_EINVAL;
    } else {
        return FK_EINVAL;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
        oh > 23 || om > 59)
        return FK_EINVAL;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    secs -= sign * (oh * 3600 + om * 60);
    *us = secs * 1000000 + frac;
    return 0;
}

static const char *str_or(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

static double num_or(const cJSON *obj, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int entry_from_json(struct fx_entry *e, const char *service, const cJSON *j, int i,
                           struct fk_error *err)
{
    memset(e, 0, sizeof(*e));
    e->service = service;
    e->json = j;
    if (!cJSON_IsObject(j)) {
        fk_error_set(err, "%s[%d]: expected an object", service, i);
        return FK_EINVAL;
    }
    e->time = str_or(j, "time", NULL);
    if (fx_rfc3339_parse(e->time, &e->time_us) != 0) {
        fk_error_set(err, "%s[%d].time: expected RFC 3339", service, i);
        return FK_EINVAL;
    }
    e->method = str_or(j, "method", "?");
    e->path = str_or(j, "path", "?");
    e->query = str_or(j, "query", "");
    e->fault = str_or(j, "fault", NULL);
    if (e->fault != NULL && *e->fault == '\0')
        e->fault = NULL;
    e->seq = num_or(j, "seq", 0);
    e->status = (long)num_or(j, "status", 0);
    e->duration_us = num_or(j, "duration_us", 0);
    e->rate_limited = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "rate_limited"));
    return 0;
}

int fx_merged_add(struct fx_merged *m, const char *service, cJSON *journal, struct fk_error *err)
{
    size_t count, slot = m->ndocs;
    struct fx_entry *grown;
    char *name = NULL;
    int i = 0, rc;
    const cJSON *it;

    if (!cJSON_IsArray(journal)) {
        fk_error_set(err, "%s: the journal is not a JSON array", service);
        cJSON_Delete(journal);
        return FK_EINVAL;
    }
    if (slot >= sizeof(m->docs) / sizeof(m->docs[0])) {
        fk_error_set(err, "%s: too many journals", service);
        cJSON_Delete(journal);
        return FK_ERANGE;
    }
    count = (size_t)cJSON_GetArraySize(journal);
    name = strdup(service);
    grown = realloc(m->entries, (m->n + count + 1) * sizeof(*grown));
    if (name == NULL || grown == NULL) {
        if (grown != NULL)
            m->entries = grown;
        free(name);
        cJSON_Delete(journal);
        fk_error_set(err, "%s: out of memory", service);
        return FK_ENOMEM;
    }
    m->entries = grown;
    cJSON_ArrayForEach(it, journal)
    {
        rc = entry_from_json(&m->entries[m->n + (size_t)i], name, it, i, err);
        if (rc != 0) {
            free(name);
            cJSON_Delete(journal);
            return rc;
        }
        i++;
    }
    m->n += count;
    m->docs[slot] = journal;
    m->names[slot] = name;
    m->ndocs++;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct fx_entry *x = a, *y = b;
    int c;

    if (x->time_us != y->time_us)
        return x->time_us < y->time_us ? -1 : 1;
    if ((c = strcmp(x->service, y->service)) != 0)
        return c;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return 0;
}

void fx_merged_sort(struct fx_merged *m)
{
    if (m->n > 1)
        qsort(m->entries, m->n, sizeof(m->entries[0]), cmp_entry);
}

void fx_merged_print(const struct fx_merged *m, FILE *out)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct fx_entry *e = &m->entries[i];
        fprintf(out, "%s %-8s %-6s %s%s%s %ld", e->time, e->service, e->method, e->path,
                *e->query ? "?" : "", e->query, e->status);
        if (e->fault != NULL)
            fprintf(out, " fault=%s", e->fault);
        if (e->rate_limited)
            fputs(" rate_limited", out);
        fprintf(out, " %.1fms\n", e->duration_us / 1000.0);
    }
}

cJSON *fx_merged_json(const struct fx_merged *m)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *child;

    if (arr == NULL)
        return NULL;
    for (size_t i = 0; i < m->n; i++) {
        cJSON *obj = cJSON_CreateObject();
        if (obj == NULL || !cJSON_AddItemToArray(arr, obj) ||
            cJSON_AddStringToObject(obj, "service", m->entries[i].service) == NULL)
            goto fail;
        cJSON_ArrayForEach(child, m->entries[i].json)
        {
            cJSON *dup;
            if (child->string == NULL || strcmp(child->string, "service") == 0)
                continue;
            dup = cJSON_Duplicate(child, true);
            if (dup == NULL || !cJSON_AddItemToObject(obj, child->string, dup)) {
                cJSON_Delete(dup);
                goto fail;
            }
        }
    }
    return arr;
fail:
    cJSON_Delete(arr);
    return NULL;
}
