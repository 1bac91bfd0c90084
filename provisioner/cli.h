/* cli.h: the provisioner's command line as a function, so tests can run it in-process.
 *
 * prov_cli_run parses argv ("provisioner CMD [options]") and the environment, validates
 * everything before any call, runs the command, writes exactly one JSON object to out and
 * diagnostics to err, and returns the exit code (enum prov_exit). `serve` runs until SIGINT
 * or SIGTERM. curl_global_init must have been called (main does it).
 *
 * Layer 8 (exit.h), the top: called by main.c and tests. */
#ifndef PROV_CLI_H
#define PROV_CLI_H

#include <stdio.h>

#include "provisioner/config.h"
#include "provisioner/ctx.h"

int prov_cli_run(int argc, char **argv, FILE *out, FILE *err);

/* Print o as one JSON line to out. */
void prov_print_out(FILE *out, const struct prov_out *o);

/* serve: listen and answer POST /api/twilio/purchase_phone_number until a signal. */
int prov_serve(const struct prov_config *cfg, struct prov_trace *trace, FILE *out, FILE *err);
/* HTTP status for an exit code (200, 401, 409, 422, 404, 502, 503, 504, 500). */
unsigned prov_http_status_for(int exit_code, bool deadline);

#endif
