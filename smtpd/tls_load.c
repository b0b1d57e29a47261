/* SPDX-License-Identifier: ISC */
/*
 * OpenSSL on demand.  smtpd is not linked with libssl or libcrypto:
 * every library a program is linked with is mapped and relocated at each
 * start (libcrypto alone is some 5,000 symbol relocations), and smtpd
 * starts once a connection, most of them plain.  The first STARTTLS (or
 * -T) loads libssl, which brings libcrypto, and looks up the functions of
 * tls_api.h.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tls_api.h"

/* The soname of the libssl whose headers we were compiled with: the ABI
 * the prototypes above describe.  The Makefile may name another. */
#ifndef SSL_SONAME
#define SSL_SONAME_STR(v)	#v
#define SSL_SONAME_OF(v)	"libssl.so." SSL_SONAME_STR(v)
#define SSL_SONAME		SSL_SONAME_OF(OPENSSL_SHLIB_VERSION)
#endif

/* Where each function's pointer goes in the table. */
static const struct ssl_symbol {
	const char	*name;
	size_t		 at;
} ssl_symbols[] = {
#define SSL_API_SYMBOL(name) { #name, offsetof(struct ssl_api, name) },
	SSL_API_FUNCTIONS(SSL_API_SYMBOL)
#undef SSL_API_SYMBOL
};

/* dlsym() gives a void *; POSIX has a function pointer the same size, and
 * the bytes are copied so that no cast between the two is needed. */
_Static_assert(sizeof(void *) == sizeof(((struct ssl_api *)0)->SSL_new),
    "function pointers are as wide as data pointers");

static struct ssl_api	 api;
static int		 loaded;

const struct ssl_api *
ssl_api_load(char *err, size_t errlen)
{
	void	*lib, *sym;

	if (loaded)
		return &api;
	if ((lib = dlopen(SSL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "cannot load OpenSSL: %s", dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(ssl_symbols) / sizeof(ssl_symbols[0]);
	    i++) {
		if ((sym = dlsym(lib, ssl_symbols[i].name)) == NULL) {
			snprintf(err, errlen, "cannot load OpenSSL: no %s in "
			    "%s", ssl_symbols[i].name, SSL_SONAME);
			dlclose(lib);
			return NULL;
		}
		memcpy((char *)&api + ssl_symbols[i].at, &sym, sizeof(sym));
	}
	loaded = 1;
	return &api;
}
