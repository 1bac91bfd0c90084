/* main.c: provisioner entry point; everything else is in cli.c so tests can call it. */
#include <stdio.h>

#include <curl/curl.h>

#include "provisioner/cli.h"

int main(int argc, char **argv)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "provisioner: curl_global_init failed\n");
        return PROV_EXIT_INTERNAL;
    }
    int code = prov_cli_run(argc, argv, stdout, stderr);
    curl_global_cleanup();
    return code;
}
