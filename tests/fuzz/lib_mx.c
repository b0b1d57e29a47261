/* SPDX-License-Identifier: ISC */
/*
 * The MX resolver (lib/mx*.c: mx_lookup, as mxlookup and mailer use it)
 * over raw DNS replies.  ldns_resolver_send_pkt is replaced here (this
 * program's definition wins over libldns's), so every question the
 * resolver asks is answered by the next reply of the input, decoded by
 * ldns_wire2pkt: a hostile nameserver's bytes, nothing on the network.
 * Besides the sanitizers it checks the result mailer acts on: hosts
 * found have a name and a numeric address; a failure says why.
 * Input: byte 0 flags (bit 0 IPv4 first, bit 1 we are mx.example.test,
 * bit 2 the replies keep their own id, bit 3 the domain asked is an
 * alias's owner), then replies, each a 2-octet length and the message
 * (the TCP framing of RFC 1035 4.2.2).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ldns/ldns.h>

#include "common.h"
#include "mx.h"

static const uint8_t	*replies;
static size_t		 replies_left;
static int		 keep_id;

ldns_status
ldns_resolver_send_pkt(ldns_pkt **answer, ldns_resolver *r, ldns_pkt *query)
{
	size_t		 len;
	ldns_status	 s;
	ldns_rdf	*from;

	*answer = NULL;
	if (replies_left < 2)
		return LDNS_STATUS_NETWORK_ERR;		/* the server is gone */
	len = (size_t)replies[0] << 8 | replies[1];
	if (len > replies_left - 2)
		len = replies_left - 2;
	s = ldns_wire2pkt(answer, replies + 2, len);
	replies += 2 + len;
	replies_left -= 2 + len;
	if (s != LDNS_STATUS_OK)
		return s;
	if (!keep_id) {
		ldns_pkt_set_id(*answer, ldns_pkt_id(query));
		ldns_pkt_set_qr(*answer, true);
	}
	if (ldns_resolver_nameserver_count(r) > 0 &&
	    (from = ldns_rdf_clone(ldns_resolver_nameservers(r)[0])) != NULL)
		ldns_pkt_set_answerfrom(*answer, from);
	return LDNS_STATUS_OK;
}

static void
check_list(const struct mx_list *list)
{
	unsigned char	 bin[16];

	if (list->count == 0)
		fuzz_fail("mx_lookup", "MX_OK without a host");
	for (size_t i = 0; i < list->count; i++) {
		const struct mx_host *h = &list->hosts[i];

		if (h->name[0] == '\0')
			fuzz_fail("host", "without a name");
		if (inet_pton(AF_INET, h->address, bin) != 1 &&
		    inet_pton(AF_INET6, h->address, bin) != 1)
			fuzz_fail("host address is not an address", h->address);
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mx_options	 opt;
	struct mx_list		 list = { NULL, 0 };
	enum mx_status		 st;
	char			 err[1024] = "";

	if (size < 1)
		return 0;
	replies = data + 1;
	replies_left = size - 1;
	keep_id = data[0] >> 2 & 1;
	memset(&opt, 0, sizeof(opt));
	opt.server = "127.0.0.1";
	opt.timeout = 10;
	opt.prefer_ipv4 = data[0] & 1;
	opt.hostname = data[0] & 2 ? "mx.example.test" : NULL;
	st = mx_lookup(data[0] & 8 ? "www.example.test" : "example.test",
	    &opt, &list, err, sizeof(err));
	if (st == MX_OK)
		check_list(&list);
	else if (err[0] == '\0')
		fuzz_fail("mx_lookup failed without saying why", "");
	mx_list_free(&list);
	return 0;
}
