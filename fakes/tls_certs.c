/* tls_certs.c: make the CA and the server certificate of tls_certs.h with libcrypto. */
#include "fakes/tls_certs.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define VALID_DAYS 30

/* A certificate for subject CN=cn with a random serial, valid from an hour ago. */
static X509 *new_cert(const char *cn, EVP_PKEY *key)
{
    X509 *x = X509_new();
    BIGNUM *serial = BN_new();
    X509_NAME *name;

    if (x == NULL || serial == NULL ||
        BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
        X509_set_version(x, 2) != 1 || X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 60L * 60 * 24 * VALID_DAYS) == NULL ||
        X509_set_pubkey(x, key) != 1 || (name = X509_get_subject_name(x)) == NULL ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"fakes", -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                   0) != 1) {
        X509_free(x);
        x = NULL;
    }
    BN_free(serial);
    return x;
}

/* Add extensions (name, value) in the context of issuer ca (NULL: self-signed). */
static int add_exts(X509 *x, X509 *ca, const char *const (*exts)[2], size_t n)
{
    X509V3_CTX ctx;

    X509V3_set_ctx(&ctx, ca != NULL ? ca : x, x, NULL, NULL, 0);
    for (size_t i = 0; i < n; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
        int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
        X509_EXTENSION_free(e);
        if (!ok)
            return -1;
    }
    return 0;
}

static int write_pem(const char *dir, const char *name, X509 *x, EVP_PKEY *key)
{
    char path[4096];
    int fd;
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, key != NULL ? 0600 : 0644);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ok = x != NULL ? PEM_write_X509(f, x) == 1
                   : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int fx_tls_make(const char *dir, struct fk_error *err)
{
    static const char *const ca_exts[][2] = {
        {"basicConstraints", "critical,CA:TRUE"},
        {"keyUsage", "critical,keyCertSign,cRLSign"},
        {"subjectKeyIdentifier", "hash"},
    };
    static const char *const leaf_exts[][2] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "critical,digitalSignature"},
        {"extendedKeyUsage", "serverAuth"},
        {"subjectAltName", "DNS:localhost,IP:127.0.0.1,IP:::1"},
        {"authorityKeyIdentifier", "keyid"},
    };
    EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
    X509 *ca = ca_key != NULL ? new_cert("fakes throw-away CA", ca_key) : NULL;
    X509 *leaf = key != NULL ? new_cert("localhost", key) : NULL;
    const char *step = NULL;

    if (ca == NULL || leaf == NULL)
        step = "make keys and certificates";
    else if (X509_set_issuer_name(ca, X509_get_subject_name(ca)) != 1 ||
             add_exts(ca, NULL, ca_exts, 3) != 0 || X509_sign(ca, ca_key, EVP_sha256()) == 0)
        step = "sign the CA";
    else if (X509_set_issuer_name(leaf, X509_get_subject_name(ca)) != 1 ||
             add_exts(leaf, ca, leaf_exts, 5) != 0 || X509_sign(leaf, ca_key, EVP_sha256()) == 0)
        step = "sign the server certificate";
    else if (write_pem(dir, "ca.pem", ca, NULL) != 0 || write_pem(dir, "cert.pem", leaf, NULL) ||
             write_pem(dir, "key.pem", NULL, key) != 0)
        step = "write the PEM files";
    if (step != NULL)
        fk_error_set(err, "TLS: cannot %s in %s", step, dir);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return step == NULL ? 0 : FK_EIO;
}
