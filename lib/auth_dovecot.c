/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "auth_base64.h"
#include "auth_dovecot.h"

void
dovecot_start(struct dovecot_conv *c, unsigned id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
}

/*
 * A value copied to out.  Dovecot's tab-escaping (\001 and a letter)
 * stands for a TAB, CR, LF, NUL or \001: a login holding one of those,
 * or any control character, could forge log lines, so it is refused
 * (-1), as is one that does not fit.
 */
static int
copy_printable(const char *in, size_t len, char *out, size_t outlen)
{
	if (len >= outlen)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
			return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

/* Field number n (0: the command) of a TAB-separated line, or NULL. */
static const char *
field(const char *line, size_t len, int n, size_t *flen)
{
	const char	*p = line, *end = line + len, *tab;

	for (; n > 0; n--) {
		if ((tab = memchr(p, '\t', (size_t)(end - p))) == NULL)
			return NULL;
		p = tab + 1;
	}
	tab = memchr(p, '\t', (size_t)(end - p));
	*flen = (size_t)((tab ? tab : end) - p);
	return p;
}

static int
field_is(const char *line, size_t len, int n, const char *want)
{
	size_t		 flen;
	const char	*f = field(line, len, n, &flen);

	return f != NULL && flen == strlen(want) && memcmp(f, want, flen) == 0;
}

static enum dovecot_step
error(struct dovecot_conv *c, const char *why)
{
	strlcpy(c->why, why, sizeof(c->why));
	return DV_ERROR;
}

/* The server's handshake: VERSION first, then MECH...DONE. */
static enum dovecot_step
handshake(struct dovecot_conv *c, const char *line, size_t len)
{
	if (c->state == 0) {
		if (!field_is(line, len, 0, "VERSION") ||
		    !field_is(line, len, 1, "1"))
			return error(c, "not Dovecot's auth protocol, "
			    "version 1");
		c->state = 1;
		return DV_MORE;
	}
	if (field_is(line, len, 0, "MECH") && field_is(line, len, 1, "PLAIN"))
		c->has_plain = 1;
	if (!field_is(line, len, 0, "DONE"))
		return DV_MORE;	/* SPID, CUID, COOKIE, other MECHs */
	if (!c->has_plain)
		return error(c, "Dovecot does not offer PLAIN");
	c->state = 2;
	return DV_HANDSHAKE_DONE;
}

/* The optional "name=value" fields and flags of OK and FAIL. */
static enum dovecot_step
result(struct dovecot_conv *c, const char *line, size_t len, int ok)
{
	const char	*f;
	size_t		 flen;
	int		 temp = 0;

	for (int n = 2; (f = field(line, len, n, &flen)) != NULL; n++) {
		if (ok && flen > 5 && memcmp(f, "user=", 5) == 0 &&
		    copy_printable(f + 5, flen - 5, c->user,
		    sizeof(c->user)) != 0)
			return error(c, "a bad user= in Dovecot's OK");
		if (!ok && flen == 4 && memcmp(f, "temp", 4) == 0)
			temp = 1;
		if (!ok && flen > 7 && memcmp(f, "reason=", 7) == 0 &&
		    copy_printable(f + 7, flen - 7, c->why,
		    sizeof(c->why)) != 0)
			strlcpy(c->why, "(unprintable reason)", sizeof(c->why));
	}
	c->state = 3;
	return ok ? DV_OK : temp ? DV_TEMPFAIL : DV_FAIL;
}

enum dovecot_step
dovecot_reply(struct dovecot_conv *c, const char *line, size_t len)
{
	char	 id[16];

	if (c->state < 2)
		return handshake(c, line, len);
	if (c->state > 2)
		return error(c, "Dovecot said more after its answer");
	snprintf(id, sizeof(id), "%u", c->id);
	if (!field_is(line, len, 1, id))
		return error(c, "Dovecot answered another request");
	if (field_is(line, len, 0, "OK"))
		return result(c, line, len, 1);
	if (field_is(line, len, 0, "FAIL"))
		return result(c, line, len, 0);
	if (field_is(line, len, 0, "CONT"))
		return error(c, "Dovecot asked for more than PLAIN's one "
		    "response");
	return error(c, "an unknown reply from Dovecot");
}

int
dovecot_auth_line(const struct dovecot_conv *c, const char *login,
    const char *password, const char *client, char *out, size_t outlen)
{
	/* PLAIN's message (RFC 4616): authzid NUL authcid NUL password,
	 * with an empty authzid: the login acts as itself. */
	char	 msg[1 + AUTH_LOGIN_MAX + 1 + AUTH_PASSWORD_MAX];
	char	 b64[B64_ENCODED_LEN(sizeof(msg))], rip[80] = "";
	size_t	 ll = strlen(login), pl = strlen(password);
	int	 n;

	if (ll > AUTH_LOGIN_MAX || pl > AUTH_PASSWORD_MAX)
		return -1;
	msg[0] = '\0';
	memcpy(msg + 1, login, ll);
	msg[1 + ll] = '\0';
	memcpy(msg + 2 + ll, password, pl);
	b64_encode(msg, 2 + ll + pl, b64, sizeof(b64));
	explicit_bzero(msg, sizeof(msg));
	if (strcmp(client, "local") != 0 && strpbrk(client, "\t\n") == NULL)
		snprintf(rip, sizeof(rip), "\trip=%s", client);
	/* "secured": smtpd takes AUTH inside TLS only, so Dovecot's
	 * disable_plaintext_auth does not refuse it. */
	n = snprintf(out, outlen, "AUTH\t%u\tPLAIN\tservice=smtp\tnologin%s"
	    "\tsecured\tresp=%s\n", c->id, rip, b64);
	explicit_bzero(b64, sizeof(b64));
	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}
