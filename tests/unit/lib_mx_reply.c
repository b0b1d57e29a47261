/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the MX resolver's reading of raw DNS replies
 * (mx_parse_reply), the entry point that tests/fuzz reuses, and of the
 * own-address rule (mx_drop_own).  The replies are built here byte by
 * byte, hostile ones included: records with empty or short data, names
 * that are no host names, records of other owners, alias loops.
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
#include "mx_impl.h"

/* Record data that is a name (CNAME), or preference and name (MX). */
static void
answer_name(struct wire *w, const char *owner, unsigned type, int pref,
    const char *target)
{
	struct wire	 rd;

	memset(&rd, 0, sizeof(rd));
	if (pref >= 0)
		put16(&rd, (unsigned)pref);
	put_name(&rd, target);
	answer(w, owner, type, rd.b, rd.len);
}

static void
finish(struct wire *w)
{
	wire_finish(w);
}

static struct mx_answer	 ans;	/* large: not on the stack */
static char		 err[512];

static enum mx_status
parse(struct wire *w, const char *qname, unsigned qtype)
{
	finish(w);
	return mx_parse_reply(w->b, w->len, qname, (uint16_t)qtype, &ans, err,
	    sizeof(err));
}

static void
test_good_mx(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "example.test", T_MX);
	answer_name(&w, "example.test", T_MX, 10, "mx1.example.test");
	answer_name(&w, "EXAMPLE.test", T_MX, 20, "mx2.example.test");
	assert_int_equal(parse(&w, "example.test", T_MX), MX_OK);
	assert_int_equal(ans.count, 2);
	assert_int_equal(ans.ignored, 0);
	assert_int_equal(ans.records[0].preference, 10);
	assert_string_equal(ans.records[0].name, "mx1.example.test");
	assert_int_equal(ans.records[1].preference, 20);
	assert_string_equal(ans.records[1].name, "mx2.example.test");
	assert_string_equal(ans.owner, "example.test");
}

static void
test_null_mx(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "example.test", T_MX);
	answer_name(&w, "example.test", T_MX, 0, ".");
	assert_int_equal(parse(&w, "example.test", T_MX), MX_OK);
	assert_int_equal(ans.count, 1);
	assert_string_equal(ans.records[0].name, ".");
}

/* The reply that crashed mxlookup: ldns_rdf_clone(NULL) asserted. */
static void
test_empty_cname(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "example.test", T_MX);
	answer(&w, "example.test", T_CNAME, "", 0);
	assert_int_equal(parse(&w, "example.test", T_MX), MX_TEMPFAIL);
	assert_non_null(strstr(err, "CNAME record for example.test"));
}

static void
test_malformed_mx_ignored(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "example.test", T_MX);
	answer(&w, "example.test", T_MX, "", 0);		/* empty */
	answer(&w, "example.test", T_MX, "\0\12", 2);		/* no exchanger */
	answer_name(&w, "example.test", T_MX, 10, "bad_name.test");
	answer_name(&w, "example.test", T_MX, 10, "a\001b.test");
	answer_name(&w, "example.test", T_MX, 30, "good.example.test");
	assert_int_equal(parse(&w, "example.test", T_MX), MX_OK);
	assert_int_equal(ans.count, 1);
	assert_string_equal(ans.records[0].name, "good.example.test");
	assert_int_equal(ans.ignored, 4);
	assert_string_equal(ans.why, "malformed MX record for example.test");
}

static void
test_addresses(void **state)
{
	struct wire	 w;
	const uint8_t	 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };

	(void)state;
	wire_start(&w, 0, 0, "mx.test", T_A);
	answer(&w, "mx.test", T_A, "\300\0\2\1", 4);
	answer(&w, "mx.test", T_A, "", 0);			/* empty */
	answer(&w, "mx.test", T_AAAA, v6, 16);		/* not asked */
	answer(&w, "other.test", T_A, "\300\0\2\2", 4);	/* not ours */
	assert_int_equal(parse(&w, "mx.test", T_A), MX_OK);
	assert_int_equal(ans.count, 1);
	assert_string_equal(ans.records[0].address, "192.0.2.1");
	assert_int_equal(ans.ignored, 1);

	wire_start(&w, 0, 0, "mx.test", T_AAAA);
	answer(&w, "mx.test", T_AAAA, v6, 16);
	assert_int_equal(parse(&w, "mx.test", T_AAAA), MX_OK);
	assert_int_equal(ans.count, 1);
	assert_string_equal(ans.records[0].address, "2001:db8::25");
}

/* ldns itself refuses these: the whole reply fails, for now. */
static void
test_short_addresses(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "mx.test", T_A);
	answer(&w, "mx.test", T_A, "\1\2\3", 3);
	assert_int_equal(parse(&w, "mx.test", T_A), MX_TEMPFAIL);
	assert_non_null(strstr(err, "malformed DNS reply"));

	wire_start(&w, 0, 0, "mx.test", T_AAAA);
	answer(&w, "mx.test", T_AAAA, "\1\2\3\4", 4);
	assert_int_equal(parse(&w, "mx.test", T_AAAA), MX_TEMPFAIL);
}

static void
test_cname_chain(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "a.test", T_A);
	answer_name(&w, "a.test", T_CNAME, -1, "b.test");
	answer_name(&w, "b.test", T_CNAME, -1, "c.test");
	answer(&w, "a.test", T_A, "\300\0\2\7", 4);	/* beside a CNAME */
	answer(&w, "c.test", T_A, "\300\0\2\10", 4);
	assert_int_equal(parse(&w, "a.test", T_A), MX_OK);
	assert_int_equal(ans.hops, 2);
	assert_string_equal(ans.owner, "c.test");
	assert_int_equal(ans.count, 1);
	assert_string_equal(ans.records[0].address, "192.0.2.8");
}

static void
test_cname_loop(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "a.test", T_MX);
	answer_name(&w, "a.test", T_CNAME, -1, "b.test");
	answer_name(&w, "b.test", T_CNAME, -1, "a.test");
	assert_int_equal(parse(&w, "a.test", T_MX), MX_TEMPFAIL);
	assert_non_null(strstr(err, "more than 8 CNAMEs"));
}

static void
test_wrong_question(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 0, 0, "other.test", T_MX);
	answer_name(&w, "other.test", T_MX, 10, "mx.other.test");
	assert_int_equal(parse(&w, "example.test", T_MX), MX_TEMPFAIL);
	assert_non_null(strstr(err, "does not answer the question"));

	wire_start(&w, 0, 0, "example.test", T_A);
	assert_int_equal(parse(&w, "example.test", T_MX), MX_TEMPFAIL);
}

static void
test_rcodes(void **state)
{
	struct wire	 w;

	(void)state;
	wire_start(&w, 3, 0, "example.test", T_MX);
	assert_int_equal(parse(&w, "example.test", T_MX), MX_NOHOST);
	wire_start(&w, 2, 0, "example.test", T_MX);
	assert_int_equal(parse(&w, "example.test", T_MX), MX_TEMPFAIL);
	assert_non_null(strstr(err, "SERVFAIL"));
	wire_start(&w, 0, 0, "example.test", T_MX);
	assert_int_equal(parse(&w, "example.test", T_MX), MX_OK);
	assert_int_equal(ans.count, 0);
}

static void
test_many_records(void **state)
{
	struct wire	 w;
	uint8_t		 a[4] = { 10, 0, 0, 0 };
	int		 i;

	(void)state;
	wire_start(&w, 0, 0, "mx.test", T_A);
	for (i = 0; i < 100; i++) {
		a[3] = (uint8_t)i;
		answer(&w, "mx.test", T_A, a, 4);
	}
	assert_int_equal(parse(&w, "mx.test", T_A), MX_OK);
	assert_int_equal(ans.count, MX_RECORDS_MAX);
	assert_int_equal(ans.excess, 100 - MX_RECORDS_MAX);
}

/* Every prefix of a good reply, and junk: an answer or an error. */
static void
test_truncated_and_junk(void **state)
{
	struct wire	 w;
	uint8_t		 junk[512];
	size_t		 len, i;
	enum mx_status	 st;

	(void)state;
	wire_start(&w, 0, 0, "example.test", T_MX);
	answer_name(&w, "example.test", T_MX, 10, "mx1.example.test");
	finish(&w);
	for (len = 0; len < w.len; len++) {
		st = mx_parse_reply(w.b, len, "example.test", T_MX, &ans, err,
		    sizeof(err));
		assert_int_not_equal(st, MX_NOHOST);
	}
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	mx_parse_reply(junk, sizeof(junk), "example.test", T_MX, &ans, err,
	    sizeof(err));
	assert_int_equal(mx_parse_reply(w.b, w.len, "example.test", 16, &ans,
	    err, sizeof(err)), MX_BADNAME);
}

/* A list of "PREF NAME ADDRESS" hosts, in order. */
static void
fill_list(struct mx_list *list, const char *spec)
{
	char	 name[64], addr[64];
	int	 pref, used;

	list->hosts = NULL;
	list->count = 0;
	while (sscanf(spec, "%d %63s %63s%n", &pref, name, addr, &used) == 3) {
		assert_int_equal(mx_list_add(list, pref, name, addr), 0);
		spec += used;
	}
}

static void
test_drop_own(void **state)
{
	struct mx_own	 own = { NULL, 0 };
	struct mx_list	 list;
	size_t		 self;

	(void)state;
	assert_int_equal(mx_own_add(&own, "127.0.0.1"), 0);
	assert_int_equal(mx_own_add(&own, "2001:db8::1"), 0);
	assert_int_equal(mx_own_add(&own, "not an address"), -1);

	/* exact addresses: 127.0.0.2 is not 127.0.0.1 */
	fill_list(&list, "10 a 127.0.0.2 20 b 192.0.2.1");
	assert_int_equal(mx_drop_own(&list, &own, &self), 2);
	assert_int_equal(self, 2);
	mx_list_free(&list);

	/* this host at 20: 20 and worse dropped, not the 10 */
	fill_list(&list, "10 a 192.0.2.1 20 b 192.0.2.2 20 me 127.0.0.1 "
	    "30 c 192.0.2.3");
	assert_int_equal(mx_drop_own(&list, &own, &self), 1);
	assert_int_equal(self, 2);
	mx_list_free(&list);

	/* the best is this host (by its IPv6 address): nothing left */
	fill_list(&list, "10 me 2001:DB8:0::1 20 b 192.0.2.2");
	assert_int_equal(mx_drop_own(&list, &own, &self), 0);
	assert_int_equal(self, 0);
	mx_list_free(&list);

	/* IPv4-mapped and unspecified addresses reach this host too */
	assert_true(mx_is_own(&own, "::ffff:127.0.0.1"));
	assert_true(mx_is_own(&own, "0.0.0.0"));
	assert_true(mx_is_own(&own, "::"));
	assert_false(mx_is_own(&own, "127.0.0.2"));
	assert_false(mx_is_own(&own, "::1"));
	mx_own_free(&own);

	/* the machine's own list has its loopback address */
	assert_int_equal(mx_own_load(&own), 0);
	assert_true(mx_is_own(&own, "127.0.0.1"));
	mx_own_free(&own);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_mx),
		cmocka_unit_test(test_null_mx),
		cmocka_unit_test(test_empty_cname),
		cmocka_unit_test(test_malformed_mx_ignored),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_short_addresses),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_wrong_question),
		cmocka_unit_test(test_rcodes),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_truncated_and_junk),
		cmocka_unit_test(test_drop_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
