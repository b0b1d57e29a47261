/* SPDX-License-Identifier: ISC */
/* Unit tests of the MX resolver's pure pieces: ordering and parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bsd/stdlib.h>

#include "mx_impl.h"

/* Random sources that make the shuffle predictable. */
static uint32_t
always_first(uint32_t bound)
{
	(void)bound;
	return 0;
}

static uint32_t
always_last(uint32_t bound)
{
	return bound - 1;	/* every element swaps with itself */
}

static size_t
fill(struct mx_exchanger *v, const char *spec)
{
	char		 name[64];
	int		 pref, used;
	size_t		 n = 0;

	/* spec: "PREF NAME PREF NAME ..." */
	while (sscanf(spec, "%d %63s%n", &pref, name, &used) == 2) {
		v[n].preference = pref;
		snprintf(v[n].name, sizeof(v[n].name), "%s", name);
		n++;
		spec += used;
	}
	return n;
}

static void
test_sorted_by_preference(void **state)
{
	struct mx_exchanger	 v[8];
	size_t			 n;

	(void)state;
	n = fill(v, "30 c.test 10 a.test 20 b.test 5 z.test");
	assert_int_equal(mx_order(v, n, always_last), 4);
	assert_int_equal(v[0].preference, 5);
	assert_string_equal(v[0].name, "z.test");
	assert_int_equal(v[1].preference, 10);
	assert_int_equal(v[2].preference, 20);
	assert_int_equal(v[3].preference, 30);
}

static void
test_shuffle_stays_within_preference(void **state)
{
	struct mx_exchanger	 v[8];
	size_t			 n;

	(void)state;
	n = fill(v, "20 d.test 10 b.test 10 a.test 20 c.test 10 e.test");
	assert_int_equal(mx_order(v, n, always_last), 5);
	/* always_last keeps the sorted order: by name within a preference */
	assert_string_equal(v[0].name, "a.test");
	assert_string_equal(v[1].name, "b.test");
	assert_string_equal(v[2].name, "e.test");
	assert_string_equal(v[3].name, "c.test");
	assert_string_equal(v[4].name, "d.test");

	n = fill(v, "20 d.test 10 b.test 10 a.test 20 c.test 10 e.test");
	assert_int_equal(mx_order(v, n, always_first), 5);
	/* Fisher-Yates with j = 0 rotates each run: a b e -> b e a */
	assert_string_equal(v[0].name, "b.test");
	assert_string_equal(v[1].name, "e.test");
	assert_string_equal(v[2].name, "a.test");
	assert_string_equal(v[3].name, "d.test");
	assert_string_equal(v[4].name, "c.test");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(v[i].preference, 10);
	for (size_t i = 3; i < 5; i++)
		assert_int_equal(v[i].preference, 20);
}

static void
test_every_order_of_equals_appears(void **state)
{
	struct mx_exchanger	 v[4];
	int			 seen[3][3] = { { 0 } };	/* seen[name][place] */
	size_t			 n;
	int			 run, i;

	(void)state;
	/* 300 runs: missing one of 9 (name, place) pairs has odds ~1e-52. */
	for (run = 0; run < 300; run++) {
		n = fill(v, "10 a.test 10 b.test 10 c.test 20 last.test");
		assert_int_equal(mx_order(v, n, arc4random_uniform), 4);
		assert_string_equal(v[3].name, "last.test");
		for (i = 0; i < 3; i++)
			seen[v[i].name[0] - 'a'][i]++;
	}
	for (i = 0; i < 9; i++)
		assert_true(seen[i / 3][i % 3] > 0);
}

static void
test_repeated_name_kept_at_best_preference(void **state)
{
	struct mx_exchanger	 v[8];
	size_t			 n;

	(void)state;
	n = fill(v, "20 mx.test 10 MX.test 30 other.test 20 mx.test");
	n = mx_order(v, n, always_last);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].preference, 10);
	assert_string_equal(v[0].name, "MX.test");
	assert_string_equal(v[1].name, "other.test");
	assert_int_equal(mx_order(v, 0, always_last), 0);
}

static void
test_drop_self(void **state)
{
	struct mx_exchanger	 v[8];
	size_t			 n;
	int			 pref;

	(void)state;
	/* this host at 20: the 10s stay, every 20 and 30 goes */
	n = fill(v, "10 a.test 10 b.test 20 Self.Test 20 c.test 30 d.test");
	n = mx_order(v, n, always_last);
	assert_int_equal(mx_drop_self(v, n, "self.test", &pref), 2);
	assert_int_equal(pref, 20);
	assert_int_equal(v[0].preference, 10);
	assert_int_equal(v[1].preference, 10);
	/* a trailing dot on either side does not matter */
	assert_int_equal(mx_drop_self(v, n, "SELF.test.", &pref), 2);
	/* this host the best: nothing is left */
	n = fill(v, "20 other.test 10 self.test");
	n = mx_order(v, n, always_last);
	assert_int_equal(mx_drop_self(v, n, "self.test", &pref), 0);
	assert_int_equal(pref, 10);
	/* listed twice: its best preference counts */
	n = fill(v, "5 a.test 30 self.test 10 self.test 20 b.test");
	n = mx_order(v, n, always_last);
	assert_int_equal(mx_drop_self(v, n, "self.test", &pref), 1);
	assert_int_equal(pref, 10);
	assert_string_equal(v[0].name, "a.test");
	/* not among them, or no name given: nothing dropped */
	assert_int_equal(mx_drop_self(v, n, "selfish.test", &pref), n);
	assert_int_equal(pref, -1);
	assert_int_equal(mx_drop_self(v, n, "self", &pref), n);
	assert_int_equal(mx_drop_self(v, n, NULL, &pref), n);
	assert_int_equal(pref, -1);
	assert_int_equal(mx_drop_self(v, n, "", &pref), n);
}

static void
test_list_add_skips_repeated_addresses(void **state)
{
	struct mx_list	 list = { NULL, 0 };

	(void)state;
	assert_int_equal(mx_list_add(&list, 10, "a.test", "192.0.2.1"), 0);
	assert_int_equal(mx_list_add(&list, 20, "b.test", "192.0.2.1"), 0);
	assert_int_equal(mx_list_add(&list, 20, "b.test", "2001:db8::1"), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.hosts[1].preference, 20);
	assert_string_equal(list.hosts[1].name, "b.test");
	assert_string_equal(list.hosts[1].address, "2001:db8::1");
	mx_list_free(&list);
	assert_null(list.hosts);
	assert_int_equal(list.count, 0);
}

static void
test_parse_server(void **state)
{
	char		 addr[64];
	uint16_t	 port;

	(void)state;
	assert_null(mx_parse_server("127.0.0.1", addr, sizeof(addr), &port));
	assert_string_equal(addr, "127.0.0.1");
	assert_int_equal(port, 53);
	assert_null(mx_parse_server("127.0.0.2@5353", addr, sizeof(addr),
	    &port));
	assert_string_equal(addr, "127.0.0.2");
	assert_int_equal(port, 5353);
	assert_null(mx_parse_server("0:0::1@65535", addr, sizeof(addr),
	    &port));
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 65535);
	assert_non_null(mx_parse_server("127.0.0.1@0", addr, sizeof(addr),
	    &port));
	assert_non_null(mx_parse_server("127.0.0.1@65536", addr,
	    sizeof(addr), &port));
	assert_non_null(mx_parse_server("127.0.0.1@", addr, sizeof(addr),
	    &port));
	assert_non_null(mx_parse_server("127.0.0.1@53x", addr, sizeof(addr),
	    &port));
	assert_non_null(mx_parse_server("@53", addr, sizeof(addr), &port));
	assert_non_null(mx_parse_server("", addr, sizeof(addr), &port));
	assert_non_null(mx_parse_server("ns.example.test", addr,
	    sizeof(addr), &port));
	assert_non_null(mx_parse_server("127.0.0.1:53", addr, sizeof(addr),
	    &port));
}

static void
test_parse_literal(void **state)
{
	char	 addr[64];

	(void)state;
	assert_int_equal(mx_parse_literal("[192.0.2.1]", addr, sizeof(addr)),
	    1);
	assert_string_equal(addr, "192.0.2.1");
	assert_int_equal(mx_parse_literal("[IPv6:2001:DB8:0::1]", addr,
	    sizeof(addr)), 1);
	assert_string_equal(addr, "2001:db8::1");
	assert_int_equal(mx_parse_literal("[ipv6:::1]", addr, sizeof(addr)),
	    1);
	assert_string_equal(addr, "::1");
	assert_int_equal(mx_parse_literal("example.test", addr, sizeof(addr)),
	    0);
	assert_int_equal(mx_parse_literal("[2001:db8::1]", addr,
	    sizeof(addr)), -1);
	assert_int_equal(mx_parse_literal("[192.0.2.300]", addr,
	    sizeof(addr)), -1);
	assert_int_equal(mx_parse_literal("[192.0.2.1", addr, sizeof(addr)),
	    -1);
	assert_int_equal(mx_parse_literal("[]", addr, sizeof(addr)), -1);
	assert_int_equal(mx_parse_literal("[IPv6:192.0.2.1]", addr,
	    sizeof(addr)), -1);
}

static void
test_check_domain(void **state)
{
	char	 name[MX_NAME_MAX + 1], label[80], big[300];

	(void)state;
	assert_null(mx_check_domain("Example.TEST.", name, sizeof(name)));
	assert_string_equal(name, "Example.TEST");
	assert_null(mx_check_domain("localhost", name, sizeof(name)));
	assert_null(mx_check_domain("xn--bcher-kva.test", name,
	    sizeof(name)));
	assert_string_equal(mx_check_domain("a..b", name, sizeof(name)),
	    "empty label in domain name");
	assert_string_equal(mx_check_domain(".a", name, sizeof(name)),
	    "empty label in domain name");
	assert_non_null(mx_check_domain("", name, sizeof(name)));
	assert_non_null(mx_check_domain(".", name, sizeof(name)));
	assert_non_null(mx_check_domain("a.test..", name, sizeof(name)));
	assert_non_null(mx_check_domain("ex_ample.test", name, sizeof(name)));
	assert_non_null(mx_check_domain("ex ample.test", name, sizeof(name)));
	assert_non_null(mx_check_domain("-a.test", name, sizeof(name)));
	assert_non_null(mx_check_domain("b\xc3\xbc" "cher.test", name,
	    sizeof(name)));
	memset(label, 'a', 63);
	strcpy(label + 63, ".test");
	assert_null(mx_check_domain(label, name, sizeof(name)));
	memset(label, 'a', 64);
	strcpy(label + 64, ".test");
	assert_string_equal(mx_check_domain(label, name, sizeof(name)),
	    "label longer than 63 octets");
	/* 253 octets is the most a name may have; 254 is one too many. */
	for (int i = 0; i < 300; i += 2) {
		big[i] = 'a';
		big[i + 1] = '.';
	}
	big[253] = '\0';
	assert_null(mx_check_domain(big, name, sizeof(name)));
	big[253] = 'b';
	big[254] = '\0';
	assert_non_null(mx_check_domain(big, name, sizeof(name)));
}

static void
test_name_address(void **state)
{
	char	 addr[64];

	(void)state;
	assert_true(mx_name_address("192.0.2.77", addr, sizeof(addr)));
	assert_string_equal(addr, "192.0.2.77");
	assert_true(mx_name_address("2001:DB8:0::1", addr, sizeof(addr)));
	assert_string_equal(addr, "2001:db8::1");
	assert_true(mx_name_address("[192.0.2.78]", addr, sizeof(addr)));
	assert_string_equal(addr, "192.0.2.78");
	assert_true(mx_name_address("[IPv6:2001:db8::2]", addr,
	    sizeof(addr)));
	assert_string_equal(addr, "2001:db8::2");
	assert_false(mx_name_address("192.0.2.77.example.test", addr,
	    sizeof(addr)));
	assert_false(mx_name_address("mx.example.test", addr, sizeof(addr)));
	assert_false(mx_name_address("[mx.example.test]", addr,
	    sizeof(addr)));
	assert_false(mx_name_address("192.0.2", addr, sizeof(addr)));
}

/* mx_lookup() itself, on input that must never reach the DNS. */
static void
test_lookup_without_queries(void **state)
{
	struct mx_options	 opt = { "127.0.0.1@1", 1, 0, NULL, NULL };
	struct mx_list		 list;
	char			 err[256];

	(void)state;
	assert_int_equal(mx_lookup("[IPv6:2001:db8::25]", &opt, &list, err,
	    sizeof(err)), MX_OK);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.hosts[0].preference, 0);
	assert_string_equal(list.hosts[0].address, "2001:db8::25");
	mx_list_free(&list);

	assert_int_equal(mx_lookup("[2001:db8::25]", &opt, &list, err,
	    sizeof(err)), MX_BADNAME);
	assert_int_equal(list.count, 0);
	assert_int_equal(mx_lookup("a..example.test", &opt, &list, err,
	    sizeof(err)), MX_BADNAME);
	assert_string_equal(err, "empty label in domain name");
	assert_int_equal(mx_lookup("", &opt, &list, err, sizeof(err)),
	    MX_BADNAME);
	assert_null(list.hosts);
}

/* A host's addresses (relayhost=, -h): addresses need no question. */
static void
test_host_addresses_without_queries(void **state)
{
	struct mx_options	 opt = { "127.0.0.1@1", 1, 0, NULL, NULL };
	struct mx_list		 list;
	char			 err[256];

	(void)state;
	assert_int_equal(mx_host_addresses("192.0.2.7", &opt, &list, err,
	    sizeof(err)), MX_OK);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.hosts[0].address, "192.0.2.7");
	mx_list_free(&list);
	assert_int_equal(mx_host_addresses("2001:db8::25", &opt, &list, err,
	    sizeof(err)), MX_OK);
	assert_string_equal(list.hosts[0].address, "2001:db8::25");
	mx_list_free(&list);
	assert_int_equal(mx_host_addresses("relay..example.test", &opt, &list,
	    err, sizeof(err)), MX_BADNAME);
	assert_string_equal(err, "empty label in domain name");
	assert_null(list.hosts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_by_preference),
		cmocka_unit_test(test_shuffle_stays_within_preference),
		cmocka_unit_test(test_every_order_of_equals_appears),
		cmocka_unit_test(test_repeated_name_kept_at_best_preference),
		cmocka_unit_test(test_drop_self),
		cmocka_unit_test(test_list_add_skips_repeated_addresses),
		cmocka_unit_test(test_parse_server),
		cmocka_unit_test(test_parse_literal),
		cmocka_unit_test(test_check_domain),
		cmocka_unit_test(test_name_address),
		cmocka_unit_test(test_lookup_without_queries),
		cmocka_unit_test(test_host_addresses_without_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
