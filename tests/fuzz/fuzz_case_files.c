/* fuzz_case_files.c: the case-file checker of `fakes test` (fakes/qa_schema.c): located JSON
 * errors, then both embedded schemas over any parsed document. Problems are collected into a
 * bounded buffer; nothing may crash, leak or read out of bounds whatever the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/buf.h"
#include "fakes/qa_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fx_schemas *schemas;
    struct fk_error err = {{0}};
    struct fk_buf out;
    char *text = malloc(size + 1);
    cJSON *doc;

    if (schemas == NULL && (schemas = fx_schemas_load(&err)) == NULL)
        abort(); /* an embedded schema the checker refuses is a build defect */
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    doc = fx_json_parse_located(text, &err);
    free(text);
    if (doc == NULL)
        return 0;
    fk_buf_init(&out, 1 << 16);
    (void)!fx_schema_check(schemas, FX_SCHEMA_SCENARIO, doc, &out);
    fk_buf_reset(&out);
    (void)!fx_schema_check(schemas, FX_SCHEMA_EXPECT, doc, &out);
    fk_buf_cleanup(&out);
    cJSON_Delete(doc);
    return 0;
}
