/* fuzz_scenario.c: scenario documents, applied to an in-memory store (fakekit/scenario.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/app.h"
#include "fakekit/json.h"
#include "fakekit/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_error(struct fk_resp *resp, const struct fk_req *req, const char *code)
{
    (void)resp;
    (void)req; /* validation only */
    return strcmp(code, "E1") == 0 ? 0 : FK_EINVAL;
}

static const struct fk_service svc = {
    .name = "twilio",
    .version = "fuzz",
    .schema_sql = "CREATE TABLE IF NOT EXISTS t (a TEXT NOT NULL UNIQUE, b INTEGER);",
    .error = check_error,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fk_app app;
    struct fk_error err;
    cJSON *doc, *summary = NULL;

    if (app.store == NULL) {
        app.svc = &svc;
        app.faults = fk_faults_new();
        app.limits = fk_limits_new();
        app.journal = fk_journal_new(4);
        if (fk_store_open(":memory:", svc.schema_sql, &app.store, &err) != 0)
            abort();
    }
    if ((doc = fk_json_parse((const char *)data, size, FK_JSON_LAST, NULL)) == NULL)
        return 0;
    if (fk_scenario_apply(&app, doc, &summary, &err) == 0)
        cJSON_Delete(summary);
    cJSON_Delete(doc);
    return 0;
}
