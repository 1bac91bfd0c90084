/* cli.c: parse, validate, run one command, print its JSON outcome. */
#include "provisioner/cli.h"

#include <string.h>

#include "fakekit/version.h"
#include "provisioner/flow.h"
#include "provisioner/reconcile.h"

void prov_print_out(FILE *out, const struct prov_out *o)
{
    cJSON *j = prov_out_json(o);
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    if (s != NULL) {
        fputs(s, out);
    } else {
        fputs("{\"status\":\"failed\",\"error\":\"out of memory\"}", out);
    }
    fputc('\n', out);
    fflush(out);
    cJSON_free(s);
    cJSON_Delete(j);
}

static int usage_error(FILE *out, FILE *err, const char *msg)
{
    struct prov_out o;
    memset(&o, 0, sizeof(o));
    prov_set(o.status, sizeof(o.status), "bad_input");
    prov_set(o.error, sizeof(o.error), msg);
    fprintf(err, "provisioner: %s\n", msg);
    prov_print_out(out, &o);
    return PROV_EXIT_USAGE;
}

int prov_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct prov_config cfg;
    struct fk_error e = {{0}};
    bool help = false;
    prov_config_defaults(&cfg);
    if (argc < 2) {
        /* Nothing asked: the usage on stderr, as every program here does; no JSON (no
         * command ran, and stdout belongs to a command's outcome). */
        prov_config_usage(err);
        return PROV_EXIT_USAGE;
    }
    if (prov_config_parse(&cfg, argc, argv, &help, &e) != 0)
        return usage_error(out, err, e.msg);
    if (cfg.want_version) {
        fprintf(out, "provisioner %s\n", FK_VERSION);
        return PROV_EXIT_OK;
    }
    if (help) {
        prov_config_usage(out);
        return PROV_EXIT_OK;
    }
    if (prov_config_validate(&cfg, &e) != 0)
        return usage_error(out, err, e.msg);

    struct prov_trace trace;
    if (prov_trace_open(&trace, cfg.trace, cfg.trace_file, &e) != 0)
        return usage_error(out, err, e.msg);
    if (cfg.cmd == PROV_CMD_SERVE) {
        int rc = prov_serve(&cfg, &trace, out, err);
        prov_trace_close(&trace);
        return rc;
    }

    struct prov_ctx ctx;
    if (prov_ctx_init(&ctx, &cfg, &trace, (uint64_t)cfg.seed, NULL) != 0) {
        prov_ctx_cleanup(&ctx);
        prov_trace_close(&trace);
        fprintf(err, "provisioner: out of memory\n");
        return PROV_EXIT_INTERNAL;
    }
    int code = PROV_EXIT_INTERNAL;
    switch (cfg.cmd) {
    case PROV_CMD_PROVISION:
        code = prov_flow_provision(&ctx, cfg.user_token, cfg.country, cfg.type_arg,
                                   cfg.area_code ? cfg.area_code : "");
        break;
    case PROV_CMD_RESUME:
        code = prov_flow_resume(&ctx, cfg.user_id, cfg.force);
        break;
    case PROV_CMD_RECONCILE:
        code = prov_flow_reconcile(&ctx, cfg.fix);
        break;
    case PROV_CMD_RELEASE:
        code = prov_flow_release(&ctx, cfg.user_token);
        break;
    default:
        break;
    }
    if (code != PROV_EXIT_OK && ctx.out.status[0] == '\0')
        prov_set(ctx.out.status, sizeof(ctx.out.status), "failed");
    if (code != PROV_EXIT_OK)
        fprintf(err, "provisioner: %s (exit %d)\n", ctx.out.error, code);
    prov_print_out(out, &ctx.out);
    prov_ctx_cleanup(&ctx);
    prov_trace_close(&trace);
    return code;
}
