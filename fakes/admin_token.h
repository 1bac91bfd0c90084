/* admin_token.h: the admin token the launcher uses (README "Security").
 *
 * `fakes up` takes it from --admin-token, else from $FAKE_ADMIN_TOKEN, gives it to the fakes
 * in their environment (FAKE_ADMIN_TOKEN: not on their command line, which any local user can
 * read in /proc) and writes it to the env file. Every other command takes it from
 * $FAKE_ADMIN_TOKEN, else from the env file `up` wrote. Whichever it is, every admin request
 * the launcher makes carries it (fx_http_set_admin_token). */
#ifndef FX_ADMIN_TOKEN_H
#define FX_ADMIN_TOKEN_H

#include <stdbool.h>

#include "fakes/commands.h"

/* Find the token for this command (up: o->creds.admin_token is --admin-token or NULL) and
 * put it in place. Returns 0, or 2 after one line on stderr when up's token could not be
 * written unquoted to the env file. */
int fx_token_setup(struct fx_opts *o, bool up);

#endif
