/* admin_token.c: where the launcher's admin token comes from and where it goes (see token.h). */
#include "fakes/admin_token.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakes/admin_client.h"

/* The FAKE_ADMIN_TOKEN line of the env file `up` wrote for state dir o, into buf; NULL when
 * there is none. */
static const char *from_env_file(const struct fx_opts *o, char *buf, size_t len)
{
    struct fk_error err = {{0}};
    char *text = fx_env_file_read(o, &err), *line, *save = NULL;
    const char *found = NULL;

    for (line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL && !found;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "FAKE_ADMIN_TOKEN=", 17) == 0 && line[17] != '\0') {
            snprintf(buf, len, "%s", line + 17);
            found = buf;
        }
    }
    free(text);
    return found;
}

int fx_token_setup(struct fx_opts *o, bool up)
{
    static char kept[1024];
    const char *env = getenv("FAKE_ADMIN_TOKEN");
    const char *token = up ? o->creds.admin_token : NULL;

    if (token == NULL && env != NULL && *env != '\0')
        token = env;
    if (token == NULL && !up)
        token = from_env_file(o, kept, sizeof(kept));
    if (up && token != NULL) {
        if (!fx_env_value_ok(token) || strlen(token) > 256) {
            fprintf(stderr, "fakes up: the admin token must be 1 to 256 letters, digits or "
                            "._-+/=:@~, (the env file is not quoted)\n");
            return 2;
        }
        if (setenv("FAKE_ADMIN_TOKEN", token, 1) != 0) { /* the fakes inherit it */
            fprintf(stderr, "fakes up: cannot pass the admin token on\n");
            return 2;
        }
        o->creds.admin_token = token;
    } else if (up) {
        unsetenv("FAKE_ADMIN_TOKEN"); /* an empty one would stop the fakes from starting */
    }
    fx_http_set_admin_token(token);
    return 0;
}
