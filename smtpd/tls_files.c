/* SPDX-License-Identifier: ISC */
/*
 * tlscert and tlskey into memory, read while smtpd is still root: the key
 * is meant to be readable by root only.  Nothing here parses them (that
 * would mean loading OpenSSL at every start); tls.c does, at the first
 * STARTTLS of a session.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls.h"

#define TLS_FILE_MAX	(1024 * 1024)	/* a long chain is some 10 KiB */

/* The whole of a regular file, NUL-terminated; -1 with why in err. */
static int
slurp(const char *key, const char *path, char **out, size_t *outlen,
    mode_t *mode, char *err, size_t errlen)
{
	struct stat	 st;
	char		*data = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "%s %s: %s", key, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s %s: %s", key, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TLS_FILE_MAX) {
		snprintf(err, errlen, "%s %s: %s", key, path,
		    S_ISREG(st.st_mode) ? "larger than 1 MiB" :
		    "not a regular file");
		goto fail;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s %s: out of memory", key, path);
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, data + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s %s: %s", key, path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		snprintf(err, errlen, "%s %s: empty", key, path);
		goto fail;
	}
	close(fd);
	data[len] = '\0';
	*out = data;
	*outlen = len;
	*mode = st.st_mode;
	return 0;
fail:
	free(data);
	close(fd);
	return -1;
}

int
tls_server_files(struct tls_server *t, const char *certpath,
    const char *keypath, char *err, size_t errlen, char *warn,
    size_t warnlen)
{
	mode_t	 mode;

	memset(t, 0, sizeof(*t));
	t->rfd = t->wfd = -1;
	t->certpath = certpath;
	t->keypath = keypath;
	*warn = '\0';
	if (slurp("tlscert", certpath, &t->cert, &t->certlen, &mode, err,
	    errlen) != 0)
		return -1;
	if (slurp("tlskey", keypath, &t->key, &t->keylen, &mode, err,
	    errlen) != 0) {
		tls_server_free(t);
		return -1;
	}
	if (mode & (S_IRWXG | S_IRWXO))
		snprintf(warn, warnlen, "tlskey %s: others than its owner may "
		    "read it (chmod 600 it, owned by root)", keypath);
	return 0;
}
