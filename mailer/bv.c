/* SPDX-License-Identifier: ISC */
/*
 * -bv: says for each recipient whether mail to it could be delivered,
 * sending nothing, one line each as sendmail does:
 *	carl@example.org... deliverable: mailer local
 *	ann@example.net... deliverable: mailer smtp, host mx.example.net
 *	nobody@example.org... User unknown
 * A local recipient must be an alias or have its Maildir (what smtpd
 * checks at RCPT); a remote one must be an address whose domain has an
 * exchanger (or there is a relayhost).  Nothing is asked of any SMTP
 * server: a remote mailbox may still be refused there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "addr.h"
#include "aliases.h"
#include "buf.h"
#include "mx.h"
#include "sendmail.h"
#include "text.h"
#include "visible.h"

enum verdict { V_OK, V_UNKNOWN, V_LATER };

static enum verdict
verify_local(const struct config *cf, const struct aliases *al,
    char *local, const char *domain, char *line, size_t linelen)
{
	char		 path[4096];
	struct stat	 st;

	str_lower(local);
	if (strcmp(local, "postmaster") == 0 ||
	    aliases_lookup(al, local, domain) != NULL) {
		snprintf(line, linelen, "deliverable: mailer local%s",
		    strcmp(local, "postmaster") == 0 ? "" : " (alias)");
		return V_OK;
	}
	if (strchr(local, '/') != NULL || local[0] == '.')
		goto unknown;	/* no mailbox has such a name */
	snprintf(path, sizeof(path), "%s/%s/%s", cf->mailroot, domain, local);
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			goto unknown;
		snprintf(line, linelen, "deliverable: mailer local");
		return V_OK;
	}
	if (errno != ENOENT && errno != ENOTDIR) {
		snprintf(line, linelen, "cannot check the mailbox: %s",
		    strerror(errno));
		return V_LATER;
	}
unknown:
	snprintf(line, linelen, "User unknown");
	return V_UNKNOWN;
}

static enum verdict
verify_remote(const struct config *cf, const char *domain, char *line,
    size_t linelen)
{
	struct mx_options	 mo = { 0 };
	struct mx_list		 list = { NULL, 0 };
	char			 why[256];
	enum mx_status		 st;
	enum verdict		 v;

	if (cf->relayhost != NULL) {
		snprintf(line, linelen, "deliverable: mailer smtp, relay %s",
		    cf->relayhost);
		return V_OK;
	}
	mo.server = cf->resolver;
	mo.timeout = (int)cf->dnstimeout;
	mo.hostname = cf->hostname;
	st = mx_lookup(domain, &mo, &list, why, sizeof(why));
	if (st == MX_OK && list.count > 0)
		snprintf(line, linelen, "deliverable: mailer smtp, host %s",
		    list.hosts[0].name);
	else if (st == MX_NULLMX)
		snprintf(line, linelen, "Domain accepts no mail (null MX)");
	else
		snprintf(line, linelen, "%s: %s",
		    st == MX_TEMPFAIL ? "Cannot check now" : "Host unknown",
		    why);
	if (st == MX_OK && list.count > 0)
		v = V_OK;
	else
		v = st == MX_TEMPFAIL ? V_LATER : V_UNKNOWN;
	mx_list_free(&list);
	return v;
}

static enum verdict
verify_one(const struct config *cf, const struct aliases *al,
    const char *given, char *line, size_t linelen)
{
	char		*addr = qualify(given, cf->hostname), *at;
	enum verdict	 v;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL) {
		free(addr);
		snprintf(line, linelen, "Invalid address");
		return V_UNKNOWN;
	}
	*at = '\0';
	str_lower(at + 1);
	if (config_is_local(cf, at + 1))
		v = verify_local(cf, al, addr, at + 1, line, linelen);
	else
		v = verify_remote(cf, at + 1, line, linelen);
	free(addr);
	return v;
}

int
verify_rcpts(const struct config *cf, char **rcpts, int nrcpts)
{
	struct aliases	 al;
	struct buf	 shown = { NULL, 0, 0 };
	char		 why[512], line[512];
	int		 unknown = 0, later = 0;

	if (aliases_load(&al, cf->aliases, why, sizeof(why)) == -1) {
		fprintf(stderr, "mailer: %s\n", why);
		return EX_CONFIG;
	}
	for (int i = 0; i < nrcpts; i++) {
		enum verdict v = verify_one(cf, &al, rcpts[i], line,
		    sizeof(line));

		unknown += v == V_UNKNOWN;
		later += v == V_LATER;
		printf("%s... %s\n", visible(&shown, rcpts[i]), line);
	}
	buf_free(&shown);
	aliases_free(&al);
	if (unknown)
		return EX_NOUSER;
	return later ? EX_TEMPFAIL : EX_OK;
}
