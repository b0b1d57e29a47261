/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the reading of TLSA replies (tlsa_parse_reply, the entry
 * point tests/fuzz/lib_tlsa.c reuses): the records RFC 7672 lets an SMTP
 * client use, the ones it must not (PKIX usages, unknown selectors and
 * matching types, digests of the wrong length, short or empty data), the
 * AD bit, CNAMEs, denial and failure.  Replies built here byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dnswire.h"
#include "tlsa.h"

#define Q	"_25._tcp.mx.example.test"

/* A TLSA record: usage, selector, matching type, n octets of data. */
static void
tlsa(struct wire *w, const char *owner, int u, int s, int m, size_t n)
{
	uint8_t	 rd[600];

	assert_true(n + 3 <= sizeof(rd));
	rd[0] = (uint8_t)u;
	rd[1] = (uint8_t)s;
	rd[2] = (uint8_t)m;
	for (size_t i = 0; i < n; i++)
		rd[3 + i] = (uint8_t)(0xa0 + i);
	answer(w, owner, T_TLSA, rd, n + 3);
}

static struct tlsa_set	 set;
static char		 err[512];

static enum mx_status
parse(struct wire *w, const char *qname)
{
	enum mx_status	 st;

	wire_finish(w);
	tlsa_set_free(&set);
	st = tlsa_parse_reply(w->b, w->len, qname, &set, err, sizeof(err));
	return st;
}

static void
test_dane_ee_and_ta(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	tlsa(&w, Q, 3, 1, 1, 32);
	tlsa(&w, Q, 2, 0, 2, 64);
	tlsa(&w, Q, 3, 0, 0, 300);	/* a whole certificate */
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.secure, 1);
	assert_int_equal(set.count, 3);
	assert_int_equal(set.unusable, 0);
	assert_int_equal(set.rec[0].usage, 3);
	assert_int_equal(set.rec[0].selector, 1);
	assert_int_equal(set.rec[0].mtype, 1);
	assert_int_equal(set.rec[0].len, 32);
	assert_int_equal(set.rec[0].data[0], 0xa0);
	assert_int_equal(set.rec[0].data[31], 0xa0 + 31);
	assert_int_equal(set.rec[1].usage, 2);
	assert_int_equal(set.rec[1].len, 64);
	assert_int_equal(set.rec[2].len, 300);
	assert_string_equal(set.owner, Q);
}

static void
test_without_ad_not_secure(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, Q, T_TLSA);
	tlsa(&w, Q, 3, 1, 1, 32);
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.secure, 0);
	assert_int_equal(set.count, 1);
}

/* RFC 7672 3.1.3 and RFC 6698: what an SMTP client cannot use. */
static void
test_unusable(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	tlsa(&w, Q, 1, 1, 1, 32);	/* PKIX-EE */
	tlsa(&w, Q, 0, 0, 1, 32);	/* PKIX-TA */
	tlsa(&w, Q, 4, 1, 1, 32);	/* unknown usage */
	tlsa(&w, Q, 3, 2, 1, 32);	/* unknown selector */
	tlsa(&w, Q, 3, 1, 3, 32);	/* unknown matching type */
	tlsa(&w, Q, 3, 1, 1, 31);	/* SHA-256 one short */
	tlsa(&w, Q, 3, 1, 2, 32);	/* SHA-512 of SHA-256's length */
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count, 0);
	assert_int_equal(set.unusable, 7);
	assert_string_equal(set.why, "PKIX usage (RFC 7672 3.1.3) in TLSA "
	    "record for " Q);
}

/* Data too short for the fields, or none: ldns keeps such records. */
static void
test_malformed(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	answer(&w, Q, T_TLSA, "", 0);
	answer(&w, Q, T_TLSA, "\3", 1);
	answer(&w, Q, T_TLSA, "\3\1\1", 3);
	tlsa(&w, Q, 3, 0, 0, 0);
	tlsa(&w, Q, 3, 1, 1, 32);
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count, 1);
	assert_int_equal(set.unusable, 4);
	assert_non_null(strstr(set.why, "malformed data"));
}

static void
test_other_owner_and_type_skipped(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	tlsa(&w, "_25._tcp.other.test", 3, 1, 1, 32);
	answer(&w, Q, 16, "\3abc", 4);		/* TXT */
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count + set.unusable, 0);
	assert_int_equal(set.secure, 1);
}

static void
test_cname(void **state)
{
	struct wire	 w;
	uint8_t		 target[64];
	struct wire	 t = { .len = 0 };

	(void)state;
	put_name(&t, "_25._tcp.mx.hoster.test");
	memcpy(target, t.b, t.len);
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	answer(&w, Q, T_CNAME, target, t.len);
	tlsa(&w, "_25._tcp.mx.hoster.test", 3, 1, 1, 32);
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count, 1);
	assert_string_equal(set.owner, "_25._tcp.mx.hoster.test");
}

static void
test_denial_and_failure(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 3, DNS_FLAG_AD, Q, T_TLSA);			/* NXDOMAIN, authenticated */
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count + set.unusable, 0);
	assert_int_equal(set.secure, 1);
	wire_start(&w, 3, 0, Q, T_TLSA);
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.secure, 0);
	wire_start(&w, 2, 0, Q, T_TLSA);			/* SERVFAIL: bogus */
	assert_int_equal(parse(&w, Q), MX_TEMPFAIL);
	assert_non_null(strstr(err, "SERVFAIL"));
	assert_int_equal(set.secure, 0);
	/* not our question */
	wire_start(&w, 0, DNS_FLAG_AD, "_25._tcp.other.test", T_TLSA);
	tlsa(&w, "_25._tcp.other.test", 3, 1, 1, 32);
	assert_int_equal(parse(&w, Q), MX_TEMPFAIL);
	assert_non_null(strstr(err, "does not answer the question"));
	assert_int_equal(set.count, 0);
}

static void
test_truncated_and_junk(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	tlsa(&w, Q, 3, 1, 1, 32);
	w.b[6] = 0;
	w.b[7] = 1;
	for (size_t cut = 0; cut < w.len; cut++) {
		tlsa_set_free(&set);
		err[0] = '\0';
		assert_int_equal(tlsa_parse_reply(w.b, cut, Q, &set, err,
		    sizeof(err)), MX_TEMPFAIL);
		assert_non_null(strstr(err, "malformed DNS reply"));
	}
}

static void
test_many_records(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, DNS_FLAG_AD, Q, T_TLSA);
	for (int i = 0; i < TLSA_RECORDS_MAX + 5; i++)
		tlsa(&w, Q, 3, 1, 1, 32);
	assert_int_equal(parse(&w, Q), MX_OK);
	assert_int_equal(set.count, TLSA_RECORDS_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dane_ee_and_ta),
		cmocka_unit_test(test_without_ad_not_secure),
		cmocka_unit_test(test_unusable),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_other_owner_and_type_skipped),
		cmocka_unit_test(test_cname),
		cmocka_unit_test(test_denial_and_failure),
		cmocka_unit_test(test_truncated_and_junk),
		cmocka_unit_test(test_many_records),
	};
	int	 rc = cmocka_run_group_tests(tests, NULL, NULL);

	tlsa_set_free(&set);
	return rc;
}
