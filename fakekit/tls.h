/* tls.h: a fake's certificate and key for HTTPS (--tls-cert, --tls-key).
 *
 * Both files are PEM, read whole and checked before anything starts: the certificate parses,
 * the key parses, and the key is the certificate's (OpenSSL's libcrypto does the parsing; the
 * server itself speaks TLS through libmicrohttpd's GnuTLS). A chain may follow the leaf in
 * the certificate file. A bad file is one line of error and exit 2, like any bad flag. */
#ifndef FK_TLS_H
#define FK_TLS_H

#include "fakekit/err.h"

#define FK_TLS_FILE_MAX (1024 * 1024) /* a PEM file larger than this is not a certificate */

struct fk_tls {
    char *cert; /* PEM text, NUL-terminated, owned */
    char *key;
};

/* Read and check both files. 0, or FK_EINVAL / FK_EIO / FK_ENOMEM with err naming the file
 * and what is wrong with it. out is cleared first; fk_tls_free it in every case. */
int fk_tls_load(const char *cert_path, const char *key_path, struct fk_tls *out,
                struct fk_error *err) FK_MUST_CHECK;
void fk_tls_free(struct fk_tls *t);

#endif
