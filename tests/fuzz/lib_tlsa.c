/* SPDX-License-Identifier: ISC */
/*
 * One raw DNS reply to a TLSA question read as mailer reads it for DANE
 * (tlsa_parse_reply, lib/tlsa.c): rcode, question, CNAMEs, each record
 * checked.  Besides the sanitizers it checks what mailer then hands to
 * OpenSSL: only DANE-TA(2) and DANE-EE(3), selectors 0 and 1, matching
 * types 0 to 2 with data of the right length, counts within bounds, and
 * a reason for every failure.
 * Input: byte 0 (bit 0 the name asked), then the reply as it came off
 * the wire.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "tlsa.h"

static void
check_set(const struct tlsa_set *set)
{
	if (set->count > TLSA_RECORDS_MAX)
		fuzz_fail("TLSA", "more records than room");
	if (memchr(set->owner, '\0', sizeof(set->owner)) == NULL)
		fuzz_fail("TLSA", "owner name not terminated");
	for (size_t i = 0; i < set->count; i++) {
		const struct tlsa_record *r = &set->rec[i];

		if (r->usage != 2 && r->usage != 3)
			fuzz_fail("TLSA", "a usage RFC 7672 does not allow");
		if (r->selector > 1 || r->mtype > 2)
			fuzz_fail("TLSA", "unknown selector or matching type");
		if ((r->mtype == 1 && r->len != 32) ||
		    (r->mtype == 2 && r->len != 64) || r->len == 0 ||
		    r->len > TLSA_DATA_MAX || r->data == NULL)
			fuzz_fail("TLSA", "data of the wrong length");
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tlsa_set	 set;
	char			 err[512] = "";
	enum mx_status		 st;

	if (size < 1)
		return 0;
	st = tlsa_parse_reply(data + 1, size - 1, data[0] & 1 ?
	    "_25._tcp.mx.example.test" : "_25._tcp.example.test", &set, err,
	    sizeof(err));
	if (st == MX_OK)
		check_set(&set);
	else if (err[0] == '\0')
		fuzz_fail("tlsa_parse_reply failed without saying why", "");
	else if (set.count != 0 || set.secure)
		fuzz_fail("TLSA", "a failed reply left records or trust");
	tlsa_set_free(&set);
	return 0;
}
