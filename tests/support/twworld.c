/* twworld.c: see twworld.h. */
#include "tests/support/twworld.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/fakereq.h"

void h_tw_open(struct h_tw_world *w)
{
    struct fk_error err = {{0}};
    void *svc = NULL;

    assert_int_equal(twilio_init(&svc, &err), 0);
    w->svc = svc;
    assert_int_equal(fk_store_open(":memory:", twilio_schema_sql, &w->st, &err), 0);
    assert_int_equal(twilio_seed(w->st, w->svc, &err), 0);
    fk_store_lock(w->st);
}

void h_tw_close(struct h_tw_world *w)
{
    fk_store_unlock(w->st);
    fk_store_close(w->st);
    twilio_fini(w->svc);
}

unsigned h_tw_call(struct h_tw_world *w, int (*fn)(const struct fk_req *, struct fk_resp *),
                   const char *method, const char *path, const char *query, const char *form,
                   const char *const *params, size_t nparams, struct fk_resp *resp)
{
    static const struct fk_kv headers[] = {{"Authorization", H_TW_AUTH}};
    struct fk_req req = h_make_req(method, path);
    struct fk_kv *args = NULL, *fields = NULL;
    size_t nargs = 0, nfields = 0;
    struct fk_basic basic = {0};

    assert_int_equal(fk_form_decode(query, strlen(query), 100, &args, &nargs), 0);
    assert_int_equal(fk_form_decode(form, strlen(form), 100, &fields, &nfields), 0);
    req.query = query;
    req.args = args;
    req.nargs = nargs;
    req.form = fields;
    req.nform = nfields;
    req.body = form;
    req.body_len = strlen(form);
    req.headers = headers;
    req.nheaders = 1;
    req.basic = &basic;
    for (size_t i = 0; i < nparams; i++)
        req.params[i] = params[i];
    req.nparams = nparams;
    req.store = w->st;
    req.svc = w->svc;
    fk_resp_init(resp);
    assert_int_equal(fn(&req, resp), 0);
    free(args);
    free(fields);
    return resp->status;
}
