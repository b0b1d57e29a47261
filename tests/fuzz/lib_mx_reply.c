/* SPDX-License-Identifier: ISC */
/*
 * One raw DNS reply read as the MX resolver reads every reply
 * (mx_parse_reply, lib/mx_reply.c): the rcode, the question, the CNAMEs,
 * the records checked.  lib_mx.c drives the whole look-up; this one goes
 * deeper into a single reply, faster.  Besides the sanitizers it checks
 * what the resolver then uses: addresses that are addresses, exchanger
 * names that are names ("." only for a null MX), counts within bounds,
 * and a reason for every failure.
 * Input: byte 0 (bits 0-1 the question type: MX, A, AAAA; bit 2 the
 * name asked), then the reply as it came off the wire.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "mx_impl.h"

static void
check_answer(const struct mx_answer *ans, uint16_t qtype)
{
	unsigned char	 bin[16];

	if (ans->count > MX_RECORDS_MAX)
		fuzz_fail("answer", "more records than room");
	if (memchr(ans->owner, '\0', sizeof(ans->owner)) == NULL ||
	    ans->owner[0] == '\0')
		fuzz_fail("answer", "no owner name");
	for (size_t i = 0; i < ans->count; i++) {
		const struct mx_record *r = &ans->records[i];

		if (qtype == 1 && inet_pton(AF_INET, r->address, bin) != 1)
			fuzz_fail("A record is no IPv4 address", r->address);
		if (qtype == 28 && inet_pton(AF_INET6, r->address, bin) != 1)
			fuzz_fail("AAAA record is no IPv6 address", r->address);
		if (qtype != 15)
			continue;
		if (r->preference < 0 || r->preference > 65535)
			fuzz_fail("MX", "preference out of range");
		if (r->name[0] == '\0')
			fuzz_fail("MX", "exchanger without a name");
		for (const char *p = r->name; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				fuzz_fail("MX exchanger name has a control "
				    "byte or a space", r->name);
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t	 types[] = { 15, 1, 28, 15 };
	static struct mx_answer	 ans;
	uint16_t		 qtype;
	char			 err[512] = "";
	enum mx_status		 st;

	if (size < 1)
		return 0;
	qtype = types[data[0] & 3];
	memset(&ans, 0, sizeof(ans));
	st = mx_parse_reply(data + 1, size - 1, data[0] & 4 ?
	    "mx1.example.test" : "example.test", qtype, &ans, err, sizeof(err));
	if (st == MX_OK)
		check_answer(&ans, qtype);
	else if (err[0] == '\0')
		fuzz_fail("mx_parse_reply failed without saying why", "");
	return 0;
}
