/* SPDX-License-Identifier: ISC */
/*
 * Submission: the envelope from the options (and -t), the message from
 * stdin, both into the spool through the one writer (lib/spool.c).
 */
#include <ctype.h>
#include <err.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "addr.h"
#include "buf.h"
#include "client.h"
#include "headers.h"
#include "log.h"
#include "params.h"
#include "sendmail.h"

/* A malloc'd "a@b"; exits on no memory. */
static char *
join_at(const char *local, size_t len, const char *domain)
{
	size_t	 n = len + strlen(domain) + 2;
	char	*out = malloc(n);

	if (out == NULL)
		errx(EX_OSERR, "no memory");
	snprintf(out, n, "%.*s@%s", (int)len, local, domain);
	return out;
}

struct rcpt_adder {
	struct envelope	*env;
	const struct config *cf;
	const char	*notify;
	char		 bad[300];	/* the first bad address found */
};

char *
qualify(const char *addr, const char *hostname)
{
	char	*out;
	size_t	 len = strlen(addr);

	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;		/* "<a@b>" as people write it */
		len -= 2;
	}
	if (memchr(addr, '@', len) == NULL && len > 0) {
		out = join_at(addr, len, hostname);
	} else if ((out = strndup(addr, len)) == NULL)
		return NULL;
	if (param_address(out, 1) == -1) {
		free(out);
		return NULL;
	}
	return out;
}

static int
add_rcpt(const char *addr, void *arg)
{
	struct rcpt_adder	*ra = arg;
	char			*q = qualify(addr, ra->cf->hostname);

	if (q == NULL || *q == '\0') {
		if (ra->bad[0] == '\0')
			strlcpy(ra->bad, addr, sizeof(ra->bad));
		free(q);
		return -1;
	}
	for (size_t i = 0; i < ra->env->nrcpts; i++)
		if (param_same_address(ra->env->rcpts[i].addr, q)) {
			free(q);	/* named twice: sent once */
			return 0;
		}
	if (envelope_add_rcpt(ra->env, q, ra->notify, NULL) == -1)
		errx(EX_OSERR, "no memory");
	free(q);
	return 0;
}

/*
 * The user who ran mailer, noted before root becomes the gateway's user
 * (sendmail.c): root's mail (cron's, say) is from root, not from the
 * gateway's user.
 */
static struct {
	int	 known;
	uid_t	 uid;
	char	 name[256];		/* login name */
	char	 gecos[256];		/* full name, or "" */
} caller;

void
submit_note_caller(void)
{
	struct passwd	*pw = getpwuid(getuid());

	caller.known = 1;
	caller.uid = getuid();
	strlcpy(caller.name, pw ? pw->pw_name : "unknown", sizeof(caller.name));
	strlcpy(caller.gecos, pw && pw->pw_gecos ? pw->pw_gecos : "",
	    sizeof(caller.gecos));
	caller.gecos[strcspn(caller.gecos, ",\r\n")] = '\0';
}

static const char *
login_name(void)
{
	if (!caller.known)
		submit_note_caller();
	return caller.name;
}

/* The envelope sender: -f, else the user at our name. */
static char *
sender_of(const struct submit *s, const struct config *cf)
{
	char	*q;

	if (s->sender == NULL) {
		q = join_at(login_name(), strlen(login_name()), cf->hostname);
		if (param_address(q, 0) == -1)
			errx(EX_DATAERR, "%s: not a valid sender address; "
			    "give one with -f", q);
		return q;
	}
	if (strcmp(s->sender, "<>") == 0 || *s->sender == '\0')
		return strdup("");
	if ((q = qualify(s->sender, cf->hostname)) == NULL)
		errx(EX_DATAERR, "-f %s: not a valid sender address",
		    s->sender);
	return q;
}

/* A display name as a quoted-string (RFC 5322 3.2.4) unless plain. */
static void
from_field(struct buf *b, const char *name, const char *addr)
{
	int	 plain = 1;

	if (name == NULL || *name == '\0') {
		buf_printf(b, "%s", addr);
		return;
	}
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != ' ')
			plain = 0;
	if (plain) {
		buf_printf(b, "%s <%s>", name, addr);
		return;
	}
	buf_append(b, "\"", 1);
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_append(b, "\\", 1);
		buf_append(b, p, 1);
	}
	buf_printf(b, "\" <%s>", addr);
}

static const char *
gecos_name(void)
{
	if (!caller.known)
		submit_note_caller();
	return caller.gecos[0] ? caller.gecos : NULL;
}

static void
set_dsn(struct envelope *env, const struct submit *s)
{
	char	 xtext[DSN_ENVID_MAX + 1];

	if (s->ret && (env->ret = strdup(s->ret)) == NULL)
		errx(EX_OSERR, "no memory");
	if (s->envid) {
		if (dsn_envid_of_text(s->envid, xtext, sizeof(xtext)) == -1)
			errx(EX_USAGE, "-V: the envelope id is not printable "
			    "ASCII or longer than %d octets as xtext",
			    DSN_ENVID_MAX);
		if ((env->envid = strdup(xtext)) == NULL)
			errx(EX_OSERR, "no memory");
	}
	for (char *p = env->ret; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

static void
build_envelope(struct envelope *env, const struct submit *s,
    const struct config *cf, struct rcpt_adder *ra)
{
	envelope_init(env);
	env->sender = sender_of(s, cf);
	env->client = strdup("local");
	env->date = time(NULL);
	set_dsn(env, s);
	ra->env = env;
	ra->cf = cf;
	ra->notify = s->notify;
	for (int i = 0; i < s->nrcpts; i++)
		if (add_rcpt(s->rcpts[i], ra) == -1)
			errx(EX_DATAERR, "%s: not a valid recipient address",
			    s->rcpts[i]);
}

static void
fill_opts(struct header_opts *o, const struct submit *s,
    const struct config *cf, const struct envelope *env, uint32_t id,
    struct buf *from, struct buf *received)
{
	char	 date[64];

	memset(o, 0, sizeof(*o));
	o->dot_ends = s->dot_ends;
	o->extract = s->extract;
	o->hostname = cf->hostname;
	o->id = id;
	o->now = env->date;
	o->maxsize = cf->maxsize;
	o->idle_timeout = cf->timeout;	/* a stalled writer holds no files */
	from_field(from, s->fullname ? s->fullname : gecos_name(),
	    env->sender[0] ? env->sender : login_name());
	o->from = from->data;
	rfc5322_date(o->now, date, sizeof(date));
	buf_printf(received, "Received: from local user %s (uid %lu)\n"
	    "\tby %s (smtpgate mailer) id %lu;\n\t%s\n", login_name(),
	    (unsigned long)caller.uid, cf->hostname, (unsigned long)id, date);
	o->received = received->data;
}

static int
any_utf8(const struct envelope *env)
{
	int	 u = client_is_utf8(env->sender);

	for (size_t i = 0; i < env->nrcpts; i++)
		u |= client_is_utf8(env->rcpts[i].addr);
	return u;
}

static int
copy_status(int why)
{
	switch (why) {
	case COPY_DATA_ERROR:	return EX_DATAERR;
	case COPY_TIMED_OUT:
	case COPY_INTERRUPTED:	return EX_TEMPFAIL;
	default:		return EX_IOERR;
	}
}

void
submit_message(const struct submit *s, const struct config *cf,
    struct envelope *env)
{
	struct spool_msg	 msg;
	struct header_opts	 o;
	struct rcpt_adder	 ra;
	struct buf		 from = { NULL, 0, 0 }, received = { NULL, 0, 0 };
	char			 why[512];
	int			 data_error;

	memset(&ra, 0, sizeof(ra));
	build_envelope(env, s, cf, &ra);
	if (spool_open(&msg, cf->spool, why, sizeof(why)) == -1)
		errx(EX_CANTCREAT, "%s", why);
	fill_opts(&o, s, cf, env, msg.id, &from, &received);
	o.add_rcpt = add_rcpt;
	o.arg = &ra;
	if (message_copy(stdin, &msg, &o, why, sizeof(why), &data_error) == -1) {
		spool_abort(&msg);
		if (ra.bad[0])
			errx(EX_DATAERR, "%s: not a valid recipient address",
			    ra.bad);
		errx(copy_status(data_error), "%s; not queued", why);
	}
	if (env->nrcpts == 0) {
		spool_abort(&msg);
		errx(EX_USAGE, "no recipients (none in To:, Cc: or Bcc:)");
	}
	env->smtputf8 = any_utf8(env);
	if (spool_commit(&msg, env, why, sizeof(why)) == -1)
		errx(EX_CANTCREAT, "%s: not queued", why);
	log_info("%lu: queued from=<%s> nrcpts=%zu by uid %lu",
	    (unsigned long)env->id, env->sender, env->nrcpts,
	    (unsigned long)getuid());
	buf_free(&from);
	buf_free(&received);
}
