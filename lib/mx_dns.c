/* SPDX-License-Identifier: ISC */
/*
 * DNS questions for the MX resolver, on ldns.  Every question is sent
 * with the time that is left of the look-up's one deadline, a reply
 * with TC set is asked again over TCP, and the rcode of each reply is
 * judged here, explicitly: NOERROR, NXDOMAIN and everything else
 * (SERVFAIL, REFUSED...) are three different outcomes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bsd/string.h>

#include "mx_dns.h"
#include "mx_impl.h"

#define TRY_MS		3000	/* wait for one reply about this long, */
#define MAX_TRIES	20	/* but send a question at most this often */
#define MIN_TRY_MS	100	/* shorter waits are not worth a packet */
#define EDNS_SIZE	1232	/* UDP payload that avoids fragments (DNS flag day 2020) */

static long long
ms_left(const struct mx_dns *dns)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(dns->deadline.tv_sec - now.tv_sec) * 1000 +
	    (dns->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

/* One nameserver from "ADDR[@PORT]". */
static enum mx_status
use_server(struct mx_dns *dns, const char *server, char *err, size_t errlen)
{
	char		 addr[64];
	const char	*why;
	uint16_t	 port;
	ldns_rdf	*ns;
	ldns_status	 s;

	if ((why = mx_parse_server(server, addr, sizeof(addr), &port))) {
		snprintf(err, errlen, "resolver %s: %s", server, why);
		return MX_TEMPFAIL;
	}
	ns = ldns_rdf_new_frm_str(strchr(addr, ':') ? LDNS_RDF_TYPE_AAAA :
	    LDNS_RDF_TYPE_A, addr);
	if (ns == NULL || (dns->res = ldns_resolver_new()) == NULL) {
		ldns_rdf_deep_free(ns);
		snprintf(err, errlen, "resolver: out of memory");
		return MX_TEMPFAIL;
	}
	s = ldns_resolver_push_nameserver(dns->res, ns);
	ldns_rdf_deep_free(ns);
	if (s != LDNS_STATUS_OK) {
		snprintf(err, errlen, "resolver %s: %s", server,
		    ldns_get_errorstr_by_id(s));
		return MX_TEMPFAIL;
	}
	ldns_resolver_set_port(dns->res, port);
	return MX_OK;
}

static enum mx_status
use_resolv_conf(struct mx_dns *dns, char *err, size_t errlen)
{
	ldns_status	 s;

	s = ldns_resolver_new_frm_file(&dns->res, NULL);
	if (s != LDNS_STATUS_OK) {
		dns->res = NULL;
		snprintf(err, errlen, "cannot use /etc/resolv.conf: %s",
		    ldns_get_errorstr_by_id(s));
		return MX_TEMPFAIL;
	}
	if (ldns_resolver_nameserver_count(dns->res) == 0) {
		snprintf(err, errlen, "no nameserver in /etc/resolv.conf");
		return MX_TEMPFAIL;
	}
	return MX_OK;
}

enum mx_status
mx_dns_open(struct mx_dns *dns, const struct mx_options *opt, char *err,
    size_t errlen)
{
	enum mx_status	 st;

	memset(dns, 0, sizeof(*dns));
	dns->timeout = opt->timeout > 0 ? opt->timeout : MX_DEFAULT_TIMEOUT;
	clock_gettime(CLOCK_MONOTONIC, &dns->deadline);
	dns->deadline.tv_sec += dns->timeout;
	st = opt->server ? use_server(dns, opt->server, err, errlen) :
	    use_resolv_conf(dns, err, errlen);
	if (st != MX_OK)
		return st;
	/* resolv.conf's order, as the C library's resolver keeps it. */
	ldns_resolver_set_random(dns->res, false);
	ldns_resolver_set_recursive(dns->res, true);
	ldns_resolver_set_dnssec(dns->res, false);
	ldns_resolver_set_defnames(dns->res, false);
	ldns_resolver_set_dnsrch(dns->res, false);
	/* ask() retries truncated replies over TCP itself. */
	ldns_resolver_set_fallback(dns->res, false);
	ldns_resolver_set_usevc(dns->res, false);
	/* No sleep between servers: the deadline is what waits. */
	ldns_resolver_set_retrans(dns->res, 0);
	ldns_resolver_set_edns_udp_size(dns->res, EDNS_SIZE);
	return MX_OK;
}

void
mx_dns_want_dnssec(struct mx_dns *dns)
{
	dns->dnssec = 1;
	dns->unauthenticated = 0;
}

void
mx_dns_close(struct mx_dns *dns)
{
	if (dns->res != NULL)
		ldns_resolver_deep_free(dns->res);
	dns->res = NULL;
}

/*
 * How many servers ldns will ask.  A server that did not answer an
 * earlier question of this look-up (ldns marks it RTT_INF) is skipped,
 * so that a dead first nameserver of resolv.conf costs its wait once,
 * not once per question; when every server has failed, all are asked
 * again.
 */
static size_t
live_servers(struct mx_dns *dns)
{
	size_t	 i, live = 0, servers = ldns_resolver_nameserver_count(dns->res);

	for (i = 0; i < servers; i++)
		if (ldns_resolver_nameserver_rtt(dns->res, i) !=
		    LDNS_RESOLV_RTT_INF)
			live++;
	if (live > 0)
		return live;
	for (i = 0; i < servers; i++)
		ldns_resolver_set_nameserver_rtt(dns->res, i,
		    LDNS_RESOLV_RTT_MIN);
	return servers;
}

/*
 * Shares the time left among the sends ldns may make (tries times the
 * servers it will ask), about TRY_MS each.  -1 when no time is left.
 */
static int
budget_question(struct mx_dns *dns)
{
	long long	 left = ms_left(dns), per, tries;
	size_t		 servers = live_servers(dns);
	struct timeval	 tv;

	if (left < MIN_TRY_MS || servers == 0)
		return -1;
	tries = left / ((long long)servers * TRY_MS);
	tries = tries < 2 ? 2 : tries > MAX_TRIES ? MAX_TRIES : tries;
	per = left / (tries * (long long)servers);
	if (per < MIN_TRY_MS) {
		tries = 1;
		per = left / (long long)servers;
	}
	if (per < MIN_TRY_MS)
		per = MIN_TRY_MS;
	dns->try_ms = per;
	tv.tv_sec = per / 1000;
	tv.tv_usec = (per % 1000) * 1000;
	ldns_resolver_set_timeout(dns->res, tv);
	ldns_resolver_set_retry(dns->res, (uint8_t)tries);
	return 0;
}

/* Sends query once over the current transport; the reply must match. */
static ldns_status
send_query(struct mx_dns *dns, ldns_pkt *query, ldns_pkt **reply)
{
	ldns_status	 s;
	long long	 before;

	*reply = NULL;
	dns->timed_out = 1;
	if (budget_question(dns) == -1)
		return LDNS_STATUS_NETWORK_ERR;
	before = ms_left(dns);
	s = ldns_resolver_send_pkt(reply, dns->res, query);
	/* ldns says NETWORK_ERR both for silence and for a closed TCP. */
	dns->timed_out = s == LDNS_STATUS_NETWORK_ERR &&
	    before - ms_left(dns) + 20 >= dns->try_ms;
	if (s == LDNS_STATUS_OK && *reply == NULL)
		s = LDNS_STATUS_ERR;
	dns->mismatch = (s == LDNS_STATUS_OK && (!ldns_pkt_qr(*reply) ||
	    ldns_pkt_id(*reply) != ldns_pkt_id(query)));
	if (dns->mismatch)
		s = LDNS_STATUS_ERR;	/* spoofed or stray: not ours */
	if (s != LDNS_STATUS_OK && *reply != NULL) {
		ldns_pkt_free(*reply);
		*reply = NULL;
	}
	return s;
}

/* The reply came but ldns could not read it: a malformed packet. */
static int
unreadable(ldns_status s)
{
	switch (s) {
	case LDNS_STATUS_LABEL_OVERFLOW:
	case LDNS_STATUS_DOMAINNAME_OVERFLOW:
	case LDNS_STATUS_DOMAINNAME_UNDERFLOW:
	case LDNS_STATUS_PACKET_OVERFLOW:
	case LDNS_STATUS_INVALID_POINTER:
	case LDNS_STATUS_WIRE_INCOMPLETE_HEADER:
	case LDNS_STATUS_WIRE_INCOMPLETE_QUESTION:
	case LDNS_STATUS_WIRE_INCOMPLETE_ANSWER:
	case LDNS_STATUS_WIRE_INCOMPLETE_AUTHORITY:
	case LDNS_STATUS_WIRE_INCOMPLETE_ADDITIONAL:
	case LDNS_STATUS_WIRE_RDATA_ERR:
	case LDNS_STATUS_RDATA_OVERFLOW:
		return 1;
	default:
		return 0;
	}
}

/* Why a send failed, in words for the administrator. */
static void
send_trouble(struct mx_dns *dns, ldns_status s, const char *question,
    int over_tcp, char *err, size_t errlen)
{
	const char	*via = over_tcp ?
	    "reply truncated and the TCP retry failed: " : "";

	if (dns->mismatch)
		snprintf(err, errlen, "%sDNS reply did not match the query "
		    "(%s)", via, question);
	else if (dns->timed_out)
		snprintf(err, errlen, "%sno DNS reply within %d second%s "
		    "(%s)", via, dns->timeout, dns->timeout == 1 ? "" : "s",
		    question);
	else if (unreadable(s))
		snprintf(err, errlen, "%smalformed DNS reply: %s (%s)", via,
		    ldns_get_errorstr_by_id(s), question);
	else
		snprintf(err, errlen, "%s%s%s (%s)", via,
		    over_tcp ? "" : "DNS query failed: ",
		    ldns_get_errorstr_by_id(s), question);
}

/*
 * One question, over UDP and then TCP if the reply was truncated.  An
 * error reply that another server might not give goes to *failed.
 */
static enum mx_status
ask_once(struct mx_dns *dns, const ldns_rdf *qname, ldns_rr_type type,
    ldns_pkt **reply, char *err, size_t errlen, ldns_pkt **failed)
{
	char		 question[MX_NAME_MAX + 16];
	ldns_pkt	*query = NULL;
	ldns_status	 s;
	enum mx_status	 st;
	int		 over_tcp = 0;

	mx_dns_question(question, sizeof(question), type, qname);
	s = ldns_resolver_prepare_query_pkt(&query, dns->res, qname, type,
	    LDNS_RR_CLASS_IN, LDNS_RD | (dns->dnssec ? LDNS_AD : 0));
	if (s != LDNS_STATUS_OK) {
		snprintf(err, errlen, "cannot build a DNS query: %s (%s)",
		    ldns_get_errorstr_by_id(s), question);
		return MX_TEMPFAIL;
	}
	if (dns->dnssec) {
		ldns_pkt_set_edns_udp_size(query, EDNS_SIZE);
		ldns_pkt_set_edns_do(query, true);
	}
	s = send_query(dns, query, reply);
	if (s == LDNS_STATUS_OK && ldns_pkt_tc(*reply)) {
		ldns_pkt_free(*reply);
		over_tcp = 1;
		ldns_resolver_set_usevc(dns->res, true);
		s = send_query(dns, query, reply);
		ldns_resolver_set_usevc(dns->res, false);
	}
	ldns_pkt_free(query);
	if (s != LDNS_STATUS_OK) {
		send_trouble(dns, s, question, over_tcp, err, errlen);
		return MX_TEMPFAIL;
	}
	if (ldns_pkt_tc(*reply)) {
		snprintf(err, errlen, "DNS reply truncated even over TCP (%s)",
		    question);
		ldns_pkt_free(*reply);
		*reply = NULL;
		return MX_TEMPFAIL;
	}
	dns->last_ad = ldns_pkt_ad(*reply);
	dns->unauthenticated += !dns->last_ad;
	if ((st = mx_reply_rcode(*reply, question, err, errlen)) != MX_OK) {
		if (st == MX_TEMPFAIL)
			*failed = *reply;
		else
			ldns_pkt_free(*reply);
		*reply = NULL;
	}
	return st;
}

/*
 * After an error reply (SERVFAIL, REFUSED...) from the server that sent
 * reply: 1 if another nameserver is left to ask, as the C library's
 * resolver does; the one that failed is skipped from now on.
 */
static int
next_server(struct mx_dns *dns, const ldns_pkt *reply)
{
	const ldns_rdf	*from = ldns_pkt_answerfrom(reply);
	ldns_rdf	**ns = ldns_resolver_nameservers(dns->res);
	size_t		 i, live = 0, n = ldns_resolver_nameserver_count(dns->res);

	if (from == NULL || n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (ldns_rdf_compare(ns[i], from) == 0)
			ldns_resolver_set_nameserver_rtt(dns->res, i,
			    LDNS_RESOLV_RTT_INF);
		else if (ldns_resolver_nameserver_rtt(dns->res, i) !=
		    LDNS_RESOLV_RTT_INF)
			live++;
	}
	return live > 0;
}

enum mx_status
mx_dns_ask(struct mx_dns *dns, const ldns_rdf *qname, ldns_rr_type type,
    ldns_pkt **reply, char *err, size_t errlen)
{
	ldns_pkt	*failed = NULL;
	enum mx_status	 st;
	size_t		 tries = ldns_resolver_nameserver_count(dns->res);

	do {
		ldns_pkt_free(failed);
		failed = NULL;
		st = ask_once(dns, qname, type, reply, err, errlen, &failed);
	} while (failed != NULL && --tries > 0 && next_server(dns, failed));
	ldns_pkt_free(failed);
	return st;
}

/* Nothing usable in an answer that had records of the type: not now. */
static enum mx_status
all_malformed(const struct mx_answer *ans, char *err, size_t errlen)
{
	snprintf(err, errlen, "malformed DNS reply: %s%s", ans->why,
	    ans->ignored > 1 ? " (and others)" : "");
	return MX_TEMPFAIL;
}

enum mx_status
mx_dns_records(struct mx_dns *dns, const char *name, ldns_rr_type type,
    struct mx_answer *ans, char *err, size_t errlen)
{
	ldns_rdf	*cur;
	ldns_pkt	*reply;
	enum mx_status	 st;
	int		 before;

	memset(ans, 0, sizeof(*ans));
	strlcpy(ans->owner, name, sizeof(ans->owner));
	if ((cur = ldns_dname_new_frm_str(name)) == NULL) {
		snprintf(err, errlen, "%s: not usable as a DNS name", name);
		return MX_TEMPFAIL;
	}
	for (;;) {
		if ((st = mx_dns_ask(dns, cur, type, &reply, err, errlen)) !=
		    MX_OK)
			break;
		before = ans->hops;
		st = mx_read_reply(reply, type, &cur, ans, err, errlen);
		ldns_pkt_free(reply);
		if (st != MX_OK)
			break;
		if (ans->count == 0 && ans->ignored > 0) {
			st = all_malformed(ans, err, errlen);
			break;
		}
		/* Done unless the reply stopped at an alias's target. */
		if (ans->count > 0 || ans->hops == before)
			break;
	}
	ldns_rdf_deep_free(cur);
	return st;
}
