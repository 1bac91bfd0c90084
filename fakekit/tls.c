/* tls.c: read and check a certificate and its key (see tls.h). */
#include "fakekit/tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fakekit/buf.h"

static char *read_pem(const char *path, const char *what, struct fk_error *err)
{
    struct fk_error inner = {{0}};
    char *text = fk_read_file(path, FK_TLS_FILE_MAX, NULL, &inner);

    if (text == NULL)
        fk_error_set(err, "--%s %s", what, inner.msg);
    return text;
}

int fk_tls_load(const char *cert_path, const char *key_path, struct fk_tls *out,
                struct fk_error *err)
{
    BIO *cb = NULL, *kb = NULL;
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    int rc = FK_EINVAL;

    memset(out, 0, sizeof(*out));
    if ((out->cert = read_pem(cert_path, "tls-cert", err)) == NULL ||
        (out->key = read_pem(key_path, "tls-key", err)) == NULL)
        return FK_EIO;
    cb = BIO_new_mem_buf(out->cert, -1);
    kb = BIO_new_mem_buf(out->key, -1);
    if (cb == NULL || kb == NULL)
        rc = FK_ENOMEM;
    else if ((x = PEM_read_bio_X509(cb, NULL, NULL, NULL)) == NULL)
        fk_error_set(err, "--tls-cert %s: not a PEM certificate", cert_path);
    else if ((k = PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL)) == NULL)
        fk_error_set(err, "--tls-key %s: not a PEM private key (unencrypted)", key_path);
    else if (X509_check_private_key(x, k) != 1)
        fk_error_set(err, "--tls-key %s is not the key of --tls-cert %s", key_path, cert_path);
    else
        rc = 0;
    X509_free(x);
    EVP_PKEY_free(k);
    BIO_free(cb);
    BIO_free(kb);
    return rc;
}

void fk_tls_free(struct fk_tls *t)
{
    free(t->cert);
    free(t->key);
    t->cert = t->key = NULL;
}
