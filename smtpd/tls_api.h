/* SPDX-License-Identifier: ISC */
/*
 * The OpenSSL functions smtpd calls, as pointers that tls_load.c fills
 * from libssl (dlopen/dlsym) the first time a session turns to TLS.
 * Each pointer has the type of the function declared in OpenSSL's own
 * headers (__typeof__), so the compiler checks every call as if smtpd
 * were linked with the library.  Macros such as
 * SSL_CTX_set_min_proto_version() expand to SSL_CTX_ctrl(): that is the
 * function listed here, and tls.c calls it with the macro's arguments.
 */
#ifndef SMTPD_TLS_API_H
#define SMTPD_TLS_API_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define SSL_API_FUNCTIONS(F) \
	F(TLS_server_method) \
	F(SSL_CTX_new) \
	F(SSL_CTX_free) \
	F(SSL_CTX_ctrl) \
	F(SSL_CTX_set_options) \
	F(SSL_CTX_set_num_tickets) \
	F(SSL_CTX_use_certificate) \
	F(SSL_CTX_use_PrivateKey) \
	F(SSL_CTX_check_private_key) \
	F(SSL_new) \
	F(SSL_free) \
	F(SSL_set_rfd) \
	F(SSL_set_wfd) \
	F(SSL_accept) \
	F(SSL_read) \
	F(SSL_write) \
	F(SSL_has_pending) \
	F(SSL_get_error) \
	F(SSL_shutdown) \
	F(SSL_get_version) \
	F(SSL_get_current_cipher) \
	F(SSL_CIPHER_get_name) \
	F(BIO_new_mem_buf) \
	F(BIO_free) \
	F(PEM_read_bio_X509) \
	F(PEM_read_bio_PrivateKey) \
	F(X509_free) \
	F(EVP_PKEY_free) \
	F(ERR_get_error) \
	F(ERR_peek_last_error) \
	F(ERR_error_string_n) \
	F(ERR_clear_error)

struct ssl_api {
#define SSL_API_MEMBER(name) __typeof__(name) *name;
	SSL_API_FUNCTIONS(SSL_API_MEMBER)
#undef SSL_API_MEMBER
};

/*
 * libssl loaded and every function found: the table, or NULL with the
 * reason in err.  Once loaded, later calls return the same table.
 */
const struct ssl_api *ssl_api_load(char *err, size_t errlen);

#endif
