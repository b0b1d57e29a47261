/* SPDX-License-Identifier: ISC */
/*
 * Where each recipient's mail goes: the relayhost when there is one,
 * else the exchangers of the recipient's domain (RFC 5321 5.1) found
 * by the lib MX resolver.  One SMTP attempt per domain.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "addr.h"
#include "mailer.h"
#include "mx.h"

void
mx_options_from(struct mx_options *mo, const struct config *cf)
{
	memset(mo, 0, sizeof(*mo));
	mo->server = cf->resolver;
	mo->timeout = (int)cf->dnstimeout;
	mo->prefer_ipv4 = cf->prefer && strcmp(cf->prefer, "ipv4") == 0;
	mo->hostname = cf->hostname;
}

static void
fail_all(struct client_msg *msg, const char *reply, int permanent)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		msg->rcpts[i].result = permanent ? RESULT_FAIL : RESULT_DEFER;
		msg->rcpts[i].settled = 1;
		strlcpy(msg->rcpts[i].reply, reply,
		    sizeof(msg->rcpts[i].reply));
	}
}

/* The exchangers of domain as a host list; 0, or -1 with msg failed. */
static int
exchangers(const char *domain, const struct config *cf,
    struct host_list *hosts, struct client_msg *msg)
{
	struct mx_options	 mo;
	struct mx_list		 list = { NULL, 0 };
	char			 why[256], reply[400];
	enum mx_status		 st;

	mx_options_from(&mo, cf);
	st = mx_lookup(domain, &mo, &list, why, sizeof(why));
	switch (st) {
	case MX_OK:
		for (size_t i = 0; i < list.count; i++)
			if (hosts_add_one(hosts, list.hosts[i].name,
			    list.hosts[i].address, (int)cf->remoteport) == 0)
				strlcpy(hosts->hosts[hosts->count - 1].mx_domain,
				    domain, sizeof(hosts->hosts[0].mx_domain));
		mx_list_free(&list);
		return 0;
	case MX_NULLMX:
		snprintf(reply, sizeof(reply), "556 5.1.10 %s accepts no mail "
		    "(null MX)", domain);
		break;
	case MX_LOOP:		/* RFC 5321 5.1, RFC 3463 5.4.6 */
		snprintf(reply, sizeof(reply), "554 5.4.6 %s", why);
		break;
	case MX_TEMPFAIL:
		snprintf(reply, sizeof(reply), "451 4.4.3 %s: %s", domain, why);
		break;
	default:
		snprintf(reply, sizeof(reply), "550 5.1.2 %s: %s", domain, why);
		break;
	}
	fail_all(msg, reply, st != MX_TEMPFAIL);
	return -1;
}

static void
deliver_domain(struct client_msg *msg, const char *domain, int msgfd,
    const struct config *cf, const struct deliver_opts *opt)
{
	struct host_list	 hosts = { NULL, 0 };
	struct mx_options	 mo;
	char			 why[600], reply[700];

	mx_options_from(&mo, cf);
	if (cf->relayhost) {
		if (hosts_add(&hosts, cf->relayhost, 25, &mo, why, sizeof(why))
		    == -1) {
			snprintf(reply, sizeof(reply), "451 4.4.3 relayhost %s",
			    why);
			fail_all(msg, reply, 0);
			return;
		}
	} else if (exchangers(domain, cf, &hosts, msg) == -1)
		return;
	deliver_to_hosts(&hosts, msg, msgfd, opt);
	hosts_free(&hosts);
}

void
deliver_by_domain(struct client_msg *msg, int msgfd, const struct config *cf,
    const struct deliver_opts *opt)
{
	struct client_msg	 sub = *msg;
	size_t			*pick;

	if (cf->relayhost) {	/* one trip for everyone */
		deliver_domain(msg, NULL, msgfd, cf, opt);
		return;
	}
	if ((sub.rcpts = calloc(msg->nrcpts + 1, sizeof(*sub.rcpts))) == NULL ||
	    (pick = calloc(msg->nrcpts + 1, sizeof(*pick))) == NULL) {
		free(sub.rcpts);
		fail_all(msg, "451 4.3.0 out of memory", 0);
		return;
	}
	for (size_t i = 0; i < msg->nrcpts; i++) {
		const char	*domain = rcpt_domain(msg->rcpts[i].addr);

		if (msg->rcpts[i].settled)
			continue;
		sub.nrcpts = 0;
		for (size_t j = i; j < msg->nrcpts; j++)
			if (!msg->rcpts[j].settled && strcasecmp(domain,
			    rcpt_domain(msg->rcpts[j].addr)) == 0) {
				pick[sub.nrcpts] = j;
				sub.rcpts[sub.nrcpts++] = msg->rcpts[j];
			}
		deliver_domain(&sub, domain, msgfd, cf, opt);
		for (size_t k = 0; k < sub.nrcpts; k++)
			msg->rcpts[pick[k]] = sub.rcpts[k];
	}
	free(pick);
	free(sub.rcpts);
}
