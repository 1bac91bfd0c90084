/* app.c: the parts of a running fake that run.c, admin.c and scenario.c share (see app.h). */
#include "fakekit/app.h"

#include <stdio.h>

/* fk_error_check_fn: ctx is the struct fk_app. */
static int check_error(void *ctx, const char *code)
{
    const struct fk_app *app = ctx;

    if (app == NULL || app->svc->error == NULL)
        return FK_EINVAL;
    return app->svc->error(NULL, NULL, code);
}

struct fk_error_check fk_app_error_check(struct fk_app *app)
{
    return (struct fk_error_check){check_error, app};
}

int fk_app_reseed(struct fk_app *app, struct fk_error *err)
{
    int rc = fk_store_clear(app->store, err);

    if (rc == 0 && app->svc->seed != NULL)
        rc = app->svc->seed(app->store, app->svc_state, err);
    return rc;
}

/* The generic state loader: {"table": [rows...]} for the schema's tables. */
static int load_tables(struct fk_store *st, const cJSON *state, const char *path,
                       struct fk_error *err)
{
    const cJSON *table, *row;
    char rpath[192];

    cJSON_ArrayForEach(table, state)
    {
        if (!cJSON_IsArray(table)) {
            fk_error_set(err, "%s.%s: expected an array of rows", path, table->string);
            return FK_EINVAL;
        }
        size_t i = 0;
        cJSON_ArrayForEach(row, table)
        {
            snprintf(rpath, sizeof(rpath), "%s.%s[%zu]", path, table->string, i++);
            int rc = fk_store_insert_json(st, table->string, row, rpath, err);
            if (rc != 0)
                return rc == FK_ECONFLICT ? FK_EINVAL : rc;
        }
    }
    return 0;
}

int fk_app_load_state(struct fk_app *app, const cJSON *state, const char *path,
                      struct fk_error *err)
{
    if (!cJSON_IsObject(state)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    if (app->svc->load_state != NULL)
        return app->svc->load_state(app->store, app->svc_state, state, path, err);
    return load_tables(app->store, state, path, err);
}
