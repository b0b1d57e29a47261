/* SPDX-License-Identifier: ISC */
/* smtpgate.conf(5): one key=value per line; every program reads it. */
#ifndef SMTPGATE_CONFIG_H
#define SMTPGATE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

#define CONFIG_DEFAULT_PATH SYSCONFDIR "/smtpgate/smtpgate.conf"

struct config {
	char	*path;		/* the file these values came from */
	char	*hostname;	/* our name in greetings and Received: */
	char	*spool;
	char	*mailroot;	/* Maildirs: MAILROOT/DOMAIN/USER */
	char	**localdomains;	/* NULL-terminated, lower case */
	struct cidr_list relayclients;
	long long maxsize;	/* octets */
	long long maxrcpt;
	long long maxerrors;	/* protocol errors before 421 */
	long long timeout;	/* seconds, per SMTP command */
	long long sessiontimeout; /* seconds, whole SMTP session */
	long long sessions;	/* deliveries at once (spoolmgr) */
	long long jobtimeout;	/* seconds one remote transaction may take */
	long long batchsize;	/* messages one SMTP session carries */
	long long destsessions;	/* deliveries at once to one destination */
	char	*relayhost;	/* HOST[:PORT], or NULL: direct MX */
	long long remoteport;	/* port of remote exchangers */
	char	*resolver;	/* SERVER[@PORT], or NULL: resolv.conf */
	long long dnstimeout;	/* seconds */
	char	*prefer;	/* "ipv6" or "ipv4": which family first */
	long long connecttimeout; /* seconds */
	long long waittime;	/* mailer: seconds to try at once */
	long long queuelife;	/* seconds before a deferral is final */
	long long retrymin;	/* seconds: first retry interval */
	long long retrymax;	/* seconds: longest retry interval */
	long long delaywarn;	/* seconds, 0 = no delay warnings */
	long long journaldays;	/* days a journal is kept */
	char	*user;		/* the gateway's unprivileged user */
	char	*group;		/* group owning the spool, or NULL */
	char	*aliases;	/* aliases file */
	char	*logfile;	/* log here instead of syslog, or NULL */
	char	*mxlookup;	/* program paths spoolmgr runs */
	char	*mailer;
	char	*spoolmgr;	/* the queue runner mailer -q runs */
	char	*tlscert;	/* PEM files for STARTTLS, or NULL */
	char	*tlskey;
	char	*authfile;	/* relayhost credentials, or NULL */
	char	*tls;		/* mailer: "may", "verify" or "dane" */
	char	*tlscafile;	/* tls=verify: CAs instead of the system's */
	char	*authusers;	/* smtpd AUTH: login:crypt-hash lines */
	char	*dovecotauth;	/* smtpd AUTH: Dovecot's auth socket */
	char	*authsenders;	/* smtpd AUTH: login: allowed senders */
};

/*
 * Loads path (NULL: CONFIG_DEFAULT_PATH) into cf, defaults first.  A
 * missing file at the default path means all defaults; any other problem
 * writes "prog: file:line: key: why" into err and returns -1.
 */
int	config_load(struct config *cf, const char *path, char *err, size_t errlen);
void	config_free(struct config *cf);
/*
 * Which mail is local, and where it lands (as Postfix's mydestination =
 * $myhostname, localhost): a domain of localdomains is its own mailbox
 * domain; our hostname and "localhost" are always local, their mailboxes
 * those of the first of localdomains, or the hostname's own when
 * localdomains is empty.  Returns the domain whose Maildirs
 * (MAILROOT/DOMAIN/USER) and aliases hold mail for domain (any case), or
 * NULL when domain is not local.  smtpd's RCPT check, mailer's at-once
 * routing and spoolmgr's local delivery all ask here.
 */
const char *config_mailbox_domain(const struct config *cf,
	    const char *domain);
/* 1 if domain (any case) is local: config_mailbox_domain() is not NULL. */
int	config_is_local(const struct config *cf, const char *domain);
/* Parses "30", "15m", "4h", "5d" into seconds; -1 on error. */
long long parse_duration(const char *s);

#endif
