/* SPDX-License-Identifier: ISC */
/*
 * AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, inside TLS only:
 * a password is never taken over a plain connection (538 5.7.11), and
 * EHLO offers AUTH only once s->tls is set.  A mechanism's answers come
 * after "334" on lines of their own: session.c hands those lines here
 * while s->auth_step says one is awaited.  The password is checked by
 * the back end in s->auth (lib/auth.h) and never logged nor kept: the
 * buffers that held it are wiped.  Success lets the client relay; each
 * failure counts towards maxerrors, so a guesser is cut off.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "auth.h"
#include "auth_base64.h"
#include "auth_senders.h"
#include "dsnparam.h"
#include "engine.h"
#include "log.h"

/* Decoded answers: a line holds at most CMD_BUF_MAX octets of base64. */
#define DECODED_MAX	B64_DECODED_MAX(CMD_BUF_MAX)

static void
auth_reset(struct session *s)
{
	s->auth_step = AUTH_IDLE;
	explicit_bzero(s->auth_pending, sizeof(s->auth_pending));
}

/* A login smtpd will log and compare: no control characters. */
static int
login_ok(const char *login, size_t len)
{
	if (len == 0 || len > AUTH_LOGIN_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)login[i] < 0x20 || login[i] == 0x7f)
			return 0;
	return 1;
}

static void
refuse_login(struct session *s, const char *mech, const char *login,
    const char *why)
{
	reply_error(s, 535, "5.7.8", "authentication credentials invalid");
	log_info("%s: AUTH %s failed for login %s: %s", s->client, mech,
	    login, why);
}

/* The back end's verdict on login and password, and the reply. */
static void
verify(struct session *s, const char *mech, const char *login,
    const char *password)
{
	char		 canon[AUTH_LOGIN_MAX + 1] = "";
	enum auth_result rc;

	rc = s->auth->check(s->auth->ctx, login, password, s->client, canon,
	    sizeof(canon));
	if (rc == AUTH_OK && login_ok(canon, strlen(canon))) {
		strlcpy(s->auth_login, canon, sizeof(s->auth_login));
		s->may_relay = 1;
		reply(s, 235, "2.7.0", "authentication succeeded");
		log_info("%s: AUTH %s as %s", s->client, mech, canon);
	} else if (rc == AUTH_TEMPFAIL) {
		reply(s, 454, "4.7.0", "temporary authentication failure");
		log_info("%s: AUTH %s for login %s: %s back end failed",
		    s->client, mech, login, s->auth->backend);
	} else
		refuse_login(s, mech, login, "wrong login or password");
}

/* Decodes one base64 answer; 501 5.5.2 when it is not base64. */
static ssize_t
decode(struct session *s, const char *b64, unsigned char *out)
{
	ssize_t	 n;

	if (strcmp(b64, "=") == 0)	/* RFC 4954 4: an empty response */
		return 0;
	n = b64_decode(b64, strlen(b64), out, DECODED_MAX);
	if (n < 0)
		reply_error(s, 501, "5.5.2", "cannot decode the response "
		    "as base64");
	return n;
}

/*
 * PLAIN's message (RFC 4616 2): authzid NUL login NUL password, split
 * in place; -1 unless it holds exactly two NULs.
 */
static int
plain_split(char *msg, size_t len, const char **authzid, const char **login,
    const char **password)
{
	char	*end = msg + len, *nul1, *nul2;

	if ((nul1 = memchr(msg, '\0', len)) == NULL ||
	    (nul2 = memchr(nul1 + 1, '\0', (size_t)(end - nul1 - 1))) == NULL ||
	    memchr(nul2 + 1, '\0', (size_t)(end - nul2 - 1)) != NULL)
		return -1;
	*authzid = msg;
	*login = nul1 + 1;
	*password = nul2 + 1;	/* msg[len] is the NUL that ends it */
	return 0;
}

static void
plain_answer(struct session *s, const char *b64)
{
	unsigned char	 msg[DECODED_MAX + 1];
	ssize_t		 n = decode(s, b64, msg);
	const char	*authzid, *login, *password;

	if (n < 0)
		return;
	msg[n] = '\0';
	if (plain_split((char *)msg, (size_t)n, &authzid, &login,
	    &password) != 0)
		reply_error(s, 501, "5.5.2", "PLAIN needs authzid NUL login "
		    "NUL password");
	else if (!login_ok(login, strlen(login)) ||
	    strlen(password) > AUTH_PASSWORD_MAX)
		refuse_login(s, "PLAIN", "(unprintable or too long)",
		    "bad login or password length");
	else if (*authzid != '\0' && strcmp(authzid, login) != 0)
		refuse_login(s, "PLAIN", login, "acting for another identity "
		    "is not allowed");
	else
		verify(s, "PLAIN", login, password);
	explicit_bzero(msg, sizeof(msg));
}

/* LOGIN's first answer, the login; then "Password:" is asked. */
static void
login_user(struct session *s, const char *b64)
{
	unsigned char	 user[DECODED_MAX + 1];
	ssize_t		 n = decode(s, b64, user);

	if (n < 0)
		return;
	user[n] = '\0';
	if (!login_ok((char *)user, (size_t)n) ||
	    strlen((char *)user) != (size_t)n) {
		refuse_login(s, "LOGIN", "(unprintable or too long)",
		    "bad login");
		return;
	}
	strlcpy(s->auth_pending, (char *)user, sizeof(s->auth_pending));
	s->auth_step = AUTH_WANT_PASSWORD;
	reply(s, 334, NULL, "UGFzc3dvcmQ6");	/* "Password:" */
}

static void
login_password(struct session *s, const char *b64)
{
	unsigned char	 pass[DECODED_MAX + 1];
	ssize_t		 n = decode(s, b64, pass);
	char		 login[sizeof(s->auth_pending)];

	strlcpy(login, s->auth_pending, sizeof(login));
	auth_reset(s);
	if (n < 0)
		return;
	pass[n] = '\0';
	if (strlen((char *)pass) != (size_t)n || n > AUTH_PASSWORD_MAX)
		refuse_login(s, "LOGIN", login, "bad password length");
	else
		verify(s, "LOGIN", login, (char *)pass);
	explicit_bzero(pass, sizeof(pass));
}

/* Why AUTH cannot start now, with the reply given (-1); 0 when it can. */
static int
auth_refused(struct session *s)
{
	if (s->auth == NULL)
		reply_error(s, 502, "5.5.1", "AUTH not available");
	else if (!s->esmtp)
		reply_error(s, 503, "5.5.1", "bad sequence of commands: send "
		    "EHLO before AUTH");
	else if (s->auth_login[0] != '\0')
		reply_error(s, 503, "5.5.1", "bad sequence of commands: "
		    "already authenticated");
	else if (!s->tls)
		reply_error(s, 538, "5.7.11", "Encryption required for "
		    "requested authentication mechanism");
	else
		return 0;
	return -1;
}

void
cmd_auth(struct session *s, char *arg)
{
	char	*initial = arg + strcspn(arg, " ");

	if (*initial != '\0')
		*initial++ = '\0';
	if (auth_refused(s) != 0)
		return;
	if (strcasecmp(arg, "PLAIN") == 0) {
		if (*initial != '\0')
			plain_answer(s, initial);
		else {
			s->auth_step = AUTH_WANT_PLAIN;
			reply(s, 334, NULL, "%s", "");
		}
	} else if (strcasecmp(arg, "LOGIN") == 0) {
		if (*initial != '\0')
			login_user(s, initial);
		else {
			s->auth_step = AUTH_WANT_USER;
			reply(s, 334, NULL, "VXNlcm5hbWU6"); /* "Username:" */
		}
	} else
		reply_error(s, 504, "5.5.4", "unrecognized authentication "
		    "type: PLAIN and LOGIN are offered");
	explicit_bzero(initial, strlen(initial));	/* PLAIN's password */
	s->flush_now = s->auth_step != AUTH_IDLE;	/* the client waits */
}

void
auth_answer(struct session *s, char *line, size_t len, int overflow)
{
	enum auth_step	 step = s->auth_step;

	if (overflow || strcmp(line, "*") == 0 || step != AUTH_WANT_PASSWORD)
		auth_reset(s);	/* LOGIN's password step resets itself */
	if (!overflow && strlen(line) != len) {
		if (step == AUTH_WANT_PASSWORD)
			auth_reset(s);
		reply_error(s, 501, "5.5.2", "cannot decode the response "
		    "as base64");
	} else if (overflow)
		reply_error(s, 500, "5.5.6", "authentication exchange line is "
		    "too long");
	else if (strcmp(line, "*") == 0)
		reply_error(s, 501, "5.7.0", "authentication cancelled");
	else if (step == AUTH_WANT_PLAIN)
		plain_answer(s, line);
	else if (step == AUTH_WANT_USER)
		login_user(s, line);
	else
		login_password(s, line);
	explicit_bzero(line, len);	/* the base64 of a password, perhaps */
	s->flush_now = s->auth_step != AUTH_IDLE;
}

int
auth_mail_allowed(struct session *s)
{
	if (!s->submission || s->auth_login[0] != '\0')
		return 1;
	reply_error(s, 530, "5.7.0", "Authentication required");
	return 0;
}

int
auth_sender_allowed(struct session *s, const char *sender)
{
	if (s->auth_login[0] == '\0' || s->auth == NULL ||
	    s->auth->senders == NULL ||
	    auth_senders_allowed(s->auth->senders, s->auth_login, sender))
		return 1;
	reply(s, 553, "5.7.1", "<%s>: sender not allowed for login %s",
	    sender, s->auth_login);
	log_info("%s: sender <%s> refused for login %s", s->client, sender,
	    s->auth_login);
	return 0;
}

int
auth_mail_param(struct session *s, const char *value)
{
	char	 decoded[600];

	/* RFC 4954 5: "<>" or an xtext mailbox.  Taken and dropped: a
	 * submitter's claim about who first sent the message is not passed
	 * on (the RFC lets a server that does not trust it do so). */
	if (value == NULL || (strcmp(value, "<>") != 0 &&
	    dsn_xtext_decode(value, decoded, sizeof(decoded)) != 0)) {
		reply_error(s, 501, "5.5.4", "bad value for AUTH");
		return -1;
	}
	return 0;
}
