/* fuzz_json.c: request JSON as every fake reads it (fakekit/json_parse.c, fk_json_parse).
 *
 * Input: any bytes, parsed as a request body. Checked against an oracle written the slow,
 * obvious way: the text is parsed again keeping every repeated key (FK_JSON_KEEP), and in
 * each object a member is dropped when a later member has the same name. The two trees must
 * print the same, both parses must accept or refuse the same texts, no object of the result
 * may hold a name twice, and what the result prints must read back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The oracle: drop, pair by pair, every member a later one repeats. */
static void naive_last_wins(cJSON *item)
{
    cJSON *it, *next;

    if (cJSON_IsObject(item)) {
        for (it = item->child; it != NULL; it = next) {
            next = it->next;
            for (const cJSON *later = next; later != NULL; later = later->next)
                if (strcmp(it->string, later->string) == 0) {
                    cJSON_Delete(cJSON_DetachItemViaPointer(item, it));
                    break;
                }
        }
    }
    for (it = item->child; it != NULL; it = it->next)
        naive_last_wins(it);
}

/* No object of the tree holds a name twice. */
static void check_tree(const cJSON *item)
{
    for (const cJSON *it = item->child; it != NULL; it = it->next) {
        if (cJSON_IsObject(item))
            for (const cJSON *later = it->next; later != NULL; later = later->next)
                if (strcmp(it->string, later->string) == 0)
                    abort();
        check_tree(it);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cJSON *last = fk_json_parse(text, size, FK_JSON_LAST, NULL);
    cJSON *keep = fk_json_parse(text, size, FK_JSON_KEEP, NULL);
    char *a, *b;

    if ((last == NULL) != (keep == NULL))
        abort();
    if (last == NULL)
        return 0;
    check_tree(last);
    naive_last_wins(keep);
    a = fk_json_print(last);
    b = fk_json_print(keep);
    if (a != NULL && b != NULL && strcmp(a, b) != 0)
        abort();
    if (a != NULL) { /* what the fake prints, it reads back the same */
        cJSON *again = fk_json_parse(a, strlen(a), FK_JSON_LAST, NULL);
        char *c = again != NULL ? fk_json_print(again) : NULL;
        if (again == NULL || (c != NULL && strcmp(a, c) != 0))
            abort();
        cJSON_free(c);
        cJSON_Delete(again);
    }
    cJSON_free(a);
    cJSON_free(b);
    cJSON_Delete(last);
    cJSON_Delete(keep);
    return 0;
}
