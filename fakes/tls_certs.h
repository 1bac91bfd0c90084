/* tls_certs.h: a throw-away certificate authority and a server certificate for the fakes.
 *
 * `fakes up --tls` (and `fakes test --tls`) makes, in one folder: ca.pem, the certificate of
 * a new CA whose key is never written anywhere (it signs once, in memory, and is gone), and
 * cert.pem / key.pem, a server certificate for localhost, 127.0.0.1 and ::1 signed by it,
 * valid from an hour ago for 30 days. Clients trust ca.pem (the provisioner's PROV_CA_FILE,
 * curl's --cacert, Node's NODE_EXTRA_CA_CERTS) and nothing else changes: no system store is
 * touched. P-256 keys and SHA-256 signatures, through OpenSSL's libcrypto. */
#ifndef FX_TLS_CERTS_H
#define FX_TLS_CERTS_H

#include "fakekit/err.h"

/* Write dir/ca.pem, dir/cert.pem and dir/key.pem (key.pem mode 0600); dir must exist.
 * 0, or FK_EIO / FK_ENOMEM with err saying which step failed. */
int fx_tls_make(const char *dir, struct fk_error *err) FK_MUST_CHECK;

#endif
