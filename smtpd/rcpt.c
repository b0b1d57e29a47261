/* SPDX-License-Identifier: ISC */
/*
 * Which recipients smtpd takes.  The domain after the last '@' (source
 * routes are already gone) decides: a local domain's mailbox must exist
 * (a Maildir MAILROOT/DOMAIN/USER or an alias, DOMAIN being the mailbox
 * domain of config_mailbox_domain(): the first local domain for our
 * hostname and localhost); any other domain only for relayclients.  The
 * local part never routes mail anywhere: "%", "!" and a quoted "@" in it
 * are refused, whoever the client is.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "engine.h"
#include "log.h"
#include "text.h"

/* A dot-atom that is also safe as one file name: no '/', no dot first. */
static int
mailbox_name_safe(const char *local)
{
	const unsigned char	*p = (const unsigned char *)local;
	int			 atom = 0;

	for (; *p; p++) {
		if (*p == '.') {
			if (atom == 0)
				return 0;
			atom = 0;
		} else if (isalnum(*p) || *p >= 0x80 ||
		    strchr("#$&'*+-=?^_`{|}~", *p) != NULL)
			atom++;
		else
			return 0;
	}
	return atom > 0;
}

static int
refuse(struct session *s, int code, const char *esc, const char *addr,
    const char *why)
{
	reply(s, code, esc, "<%s>: %s", addr, why);
	log_info("%s: recipient <%s> refused: %d %s", s->client, addr, code,
	    why);
	return -1;
}

/* 0 when MAILROOT/domain/local is a directory, else -1 with errno. */
static int
maildir_exists(const struct config *cf, const char *domain,
    const char *local)
{
	char		 path[1024];
	struct stat	 st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", cf->mailroot,
	    domain, local) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
local_rcpt(struct session *s, const char *local, const char *domain,
    const char *canon)
{
	if (strcmp(local, "postmaster") == 0)	/* RFC 5321 4.5.1 */
		return 0;
	if (strpbrk(local, "%!@") != NULL)
		return refuse(s, 550, "5.7.1", canon, "no relaying through "
		    "%, ! or @ in the local part");
	if (!mailbox_name_safe(local))
		return refuse(s, 550, "5.1.1", canon, "no such user");
	if (aliases_lookup(s->aliases, local, domain) != NULL)
		return 0;
	if (maildir_exists(s->cf, domain, local) == 0)
		return 0;
	if (errno == ENOENT || errno == ENOTDIR)
		return refuse(s, 550, "5.1.1", canon, "no such user");
	log_error("mailbox %s@%s: %s", local, domain, strerror(errno));
	return refuse(s, 451, "4.3.0", canon, "cannot check the mailbox now");
}

int
rcpt_check(struct session *s, const struct mailbox *mb, char *canon,
    size_t canonlen)
{
	char		 local[ADDR_LOCAL_MAX + 1], domain[ADDR_DOMAIN_MAX + 1];
	char		 mbdomain[ADDR_DOMAIN_MAX + 1];
	const char	*home;

	snprintf(domain, sizeof(domain), "%s", mb->domain);
	str_lower(domain);
	home = mb->is_literal ? NULL : config_mailbox_domain(s->cf, domain);
	if (home == NULL) {
		snprintf(canon, canonlen, "%s@%s", mb->local, domain);
		if (!s->may_relay)
			return refuse(s, 550, "5.7.1", canon, "relaying denied");
		return 0;
	}
	addr_unquoted_local(mb, local, sizeof(local));
	str_lower(local);
	/* The envelope keeps the domain given; the mailbox may live under
	 * another one (name@HOSTNAME, name@localhost: smtpgate.conf(5)). */
	snprintf(canon, canonlen, "%s@%s", local, domain);
	snprintf(mbdomain, sizeof(mbdomain), "%s", home);
	str_lower(mbdomain);
	return local_rcpt(s, local, mbdomain, canon);
}
