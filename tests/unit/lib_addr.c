/* SPDX-License-Identifier: ISC */
/* Unit tests of lib/addr.c: RFC 5321 paths and mailboxes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"

static enum addr_status
path(const char *text, struct mailbox *mb, int flags)
{
	size_t	 used = 0;

	return addr_parse_path(text, &used, mb, flags);
}

static void
test_plain_path(void **state)
{
	struct mailbox	 mb;
	size_t		 used;

	(void)state;
	assert_int_equal(addr_parse_path("<joe@example.test> SIZE=10", &used,
	    &mb, 0), ADDR_OK);
	assert_int_equal(used, 18);
	assert_string_equal(mb.local, "joe");
	assert_string_equal(mb.domain, "example.test");
}

static void
test_null_path(void **state)
{
	struct mailbox	 mb;

	(void)state;
	assert_int_equal(path("<>", &mb, ADDR_NULL_OK), ADDR_OK);
	assert_true(mb.is_null);
	assert_int_equal(path("<>", &mb, 0), ADDR_SYNTAX);
}

static void
test_source_route_dropped(void **state)
{
	struct mailbox	 mb;

	(void)state;
	assert_int_equal(path("<@relay.test,@b.test:joe@x.test>", &mb, 0),
	    ADDR_OK);
	assert_string_equal(mb.local, "joe");
	assert_string_equal(mb.domain, "x.test");
	assert_int_equal(path("<@relay.test:joe>", &mb, 0), ADDR_SYNTAX);
}

static void
test_quoted_local(void **state)
{
	struct mailbox	 mb;
	char		 out[100];

	(void)state;
	assert_int_equal(path("<\"joe@other.test\"@x.test>", &mb, 0), ADDR_OK);
	assert_string_equal(mb.local, "\"joe@other.test\"");
	addr_unquoted_local(&mb, out, sizeof(out));
	assert_string_equal(out, "joe@other.test");
	assert_int_equal(path("<\"a\\\"b\"@x.test>", &mb, 0), ADDR_OK);
	addr_unquoted_local(&mb, out, sizeof(out));
	assert_string_equal(out, "a\"b");
	assert_int_equal(path("<\"unterminated@x.test>", &mb, 0), ADDR_SYNTAX);
}

static void
test_literals(void **state)
{
	struct mailbox	 mb;

	(void)state;
	assert_int_equal(path("<joe@[192.0.2.1]>", &mb, 0), ADDR_OK);
	assert_true(mb.is_literal);
	assert_int_equal(path("<joe@[IPv6:2001:db8::1]>", &mb, 0), ADDR_OK);
	assert_int_equal(path("<joe@[300.1.1.1]>", &mb, 0), ADDR_SYNTAX);
	assert_int_equal(path("<joe@[tag:stuff]>", &mb, 0), ADDR_SYNTAX);
}

static void
test_limits(void **state)
{
	struct mailbox	 mb;
	char		 text[400];

	(void)state;
	memset(text, 0, sizeof(text));
	text[0] = '<';
	memset(text + 1, 'a', 64);
	strcat(text, "@x.test>");
	assert_int_equal(path(text, &mb, 0), ADDR_OK);
	text[0] = '<';
	memset(text + 1, 'a', 65);
	strcpy(text + 66, "@x.test>");
	assert_int_equal(path(text, &mb, 0), ADDR_LOCAL_TOO_LONG);
	strcpy(text, "<a@");
	for (int i = 0; i < 5; i++)
		strcat(text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(text, "test>");
	assert_int_equal(path(text, &mb, 0), ADDR_DOMAIN_TOO_LONG);
}

static void
test_bad_syntax(void **state)
{
	struct mailbox	 mb;
	static const char *const bad[] = {
		"joe@x.test", "<joe@x.test", "<joe>", "<@x.test>", "<joe@>",
		"<jo e@x.test>", "<joe..x@x.test>", "<.joe@x.test>",
		"<joe@-x.test>", "<joe@x-.test>", "<joe@x..test>",
		"<joe@x.test.>", "<joe\r@x.test>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(path(bad[i], &mb, 0), ADDR_OK);
}

static void
test_utf8(void **state)
{
	struct mailbox	 mb;

	(void)state;
	assert_int_equal(path("<j\xc3\xb6rg@x.test>", &mb, 0), ADDR_NEEDS_UTF8);
	assert_int_equal(path("<j\xc3\xb6rg@x.test>", &mb, ADDR_UTF8), ADDR_OK);
	assert_true(mb.has_utf8);
	assert_int_equal(path("<j\xc3rg@x.test>", &mb, ADDR_UTF8), ADDR_SYNTAX);
}

static void
test_mailbox_and_format(void **state)
{
	struct mailbox	 mb;
	char		 out[300];

	(void)state;
	assert_int_equal(addr_parse_mailbox("joe@x.test", &mb, 0), ADDR_OK);
	addr_format(&mb, out, sizeof(out));
	assert_string_equal(out, "joe@x.test");
	assert_int_equal(addr_parse_mailbox("joe@x.test\nRCPT", &mb, 0),
	    ADDR_SYNTAX);
	assert_true(addr_valid_domain("mail.example.test", 0));
	assert_false(addr_valid_domain("bad_name.test", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_path),
		cmocka_unit_test(test_null_path),
		cmocka_unit_test(test_source_route_dropped),
		cmocka_unit_test(test_quoted_local),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_mailbox_and_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
