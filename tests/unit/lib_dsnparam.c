/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of lib/dsnparam.c: xtext, ORCPT (RFC 3461 and the utf-8
 * forms of RFC 6533), ENVID, NOTIFY, RET, and the parameter splitter.
 * The rule under test: what one program writes, the others read back
 * unchanged (issue 8, defect 3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsnparam.h"

/* canon(IN) is WANT, and reading WANT again gives WANT. */
static void
orcpt_is(const char *in, const char *want)
{
	char	 out[DSN_ORCPT_MAX + 1], again[DSN_ORCPT_MAX + 1];

	assert_int_equal(dsn_orcpt_canon(in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	assert_int_equal(dsn_orcpt_canon(out, again, sizeof(again)), 0);
	assert_string_equal(again, want);
}

static void
orcpt_bad(const char *in)
{
	char	 out[DSN_ORCPT_MAX + 1];

	assert_int_equal(dsn_orcpt_canon(in, out, sizeof(out)), -1);
	assert_int_equal(dsn_orcpt_canon(in, NULL, 0), -1);
}

static void
test_xtext_round_trip(void **state)
{
	char	 all[256], enc[1024], dec[256];

	(void)state;
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	assert_int_equal(dsn_xtext_encode(all, enc, sizeof(enc)), 0);
	for (const char *p = enc; *p; p++)
		assert_true(*p >= 33 && *p <= 126 && *p != '=');
	assert_int_equal(dsn_xtext_decode(enc, dec, sizeof(dec)), 0);
	assert_memory_equal(dec, all, 256);
	assert_int_equal(dsn_xtext_encode("a+b c=d", enc, sizeof(enc)), 0);
	assert_string_equal(enc, "a+2Bb+20c+3Dd");
	/* too small: -1, never a cut string passed as whole */
	assert_int_equal(dsn_xtext_encode("a+b", enc, 4), -1);
	assert_int_equal(dsn_xtext_decode("abcd", dec, 4), -1);
}

static void
test_xtext_lenient_plus(void **state)
{
	char	 dec[64];

	(void)state;
	/* "+" not followed by two upper-case hex digits is a plus sign */
	assert_int_equal(dsn_xtext_decode("sales+eu", dec, sizeof(dec)), 0);
	assert_string_equal(dec, "sales+eu");
	assert_int_equal(dsn_xtext_decode("a+", dec, sizeof(dec)), 0);
	assert_string_equal(dec, "a+");
	assert_int_equal(dsn_xtext_decode("a+4", dec, sizeof(dec)), 0);
	assert_string_equal(dec, "a+4");
	assert_int_equal(dsn_xtext_decode("a+ab", dec, sizeof(dec)), 0);
	assert_string_equal(dec, "a+ab");
	assert_int_equal(dsn_xtext_decode("a+2Bb", dec, sizeof(dec)), 0);
	assert_string_equal(dec, "a+b");
	/* a NUL would cut the value short: refused */
	assert_int_equal(dsn_xtext_decode("a+00b", dec, sizeof(dec)), -1);
}

static void
test_xtext_display(void **state)
{
	char	 out[64];

	(void)state;
	dsn_xtext_display("a+2Bb+20c", out, sizeof(out));
	assert_string_equal(out, "a+b c");
	/* CR, LF and 8-bit stay encoded: they cannot break a DSN field */
	dsn_xtext_display("x+0D+0AInjected:+20y+C3", out, sizeof(out));
	assert_string_equal(out, "x+0D+0AInjected: y+C3");
	dsn_xtext_display("raw\r\nX", out, sizeof(out));
	assert_string_equal(out, "raw+0D+0AX");
	dsn_xtext_display("plain+", out, sizeof(out));
	assert_string_equal(out, "plain+");
}

/* The four cases of issue 8 defect 3, and the plain ones. */
static void
test_orcpt_cases(void **state)
{
	(void)state;
	orcpt_is("rfc822;bob@example.test", "rfc822;bob@example.test");
	orcpt_is("RFC822;Bob+40example.test", "rfc822;Bob@example.test");
	/* 1: RFC 6533 raw UTF-8 (utf-8-address, utf-8-addr-unitext) */
	orcpt_is("utf-8;j\xc3\xb6@example.test", "utf-8;j\\x{F6}@example.test");
	orcpt_is("UTF-8;\xe6\x97\xa5\xf0\x9f\x98\x80@x.test",
	    "utf-8;\\x{65E5}\\x{1F600}@x.test");
	/* utf-8-addr-xtext as it is, and its lower-case hex read */
	orcpt_is("utf-8;j\\x{F6}@example.test", "utf-8;j\\x{F6}@example.test");
	orcpt_is("utf-8;j\\x{00f6}@example.test", "utf-8;j\\x{F6}@example.test");
	/* 2: "+" without two hex digits, in either type */
	orcpt_is("rfc822;team+sales@example.test",
	    "rfc822;team+2Bsales@example.test");
	orcpt_is("utf-8;j\xc3\xb6+tag@x.test", "utf-8;j\\x{F6}\\x{2B}tag@x.test");
	orcpt_is("rfc822;a+", "rfc822;a+2B");
	/* 3: a ">" and a space in the address */
	orcpt_is("rfc822;x>y", "rfc822;x>y");
	orcpt_is("rfc822;\"a+20b\"@x.test", "rfc822;\"a+20b\"@x.test");
	orcpt_is("utf-8;\"a\\x{20}b\"@x.test", "utf-8;\"a\\x{20}b\"@x.test");
	/* a lone backslash in a utf-8 address is itself */
	orcpt_is("utf-8;\"a\\b\"@x.test", "utf-8;\"a\\x{5C}b\"@x.test");
	/* other types are xtext */
	orcpt_is("x400;c+3Dde+3Ba", "x400;c+3Dde;a");
	orcpt_is("x400;c=de", "x400;c+3Dde");
}

static void
test_orcpt_of_addr(void **state)
{
	char	 out[DSN_ORCPT_MAX + 1], big[600];

	(void)state;
	/* 4: the alias's own name, as spoolmgr writes it for its targets */
	assert_int_equal(dsn_orcpt_of_addr("sales+eu@example.test", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "rfc822;sales+2Beu@example.test");
	assert_int_equal(dsn_orcpt_canon(out, NULL, 0), 0);
	assert_int_equal(dsn_orcpt_of_addr("\"a b=c\"@x.test", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "rfc822;\"a+20b+3Dc\"@x.test");
	assert_int_equal(dsn_orcpt_of_addr("j\xc3\xb6@x.test", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "utf-8;j\\x{F6}@x.test");
	assert_int_equal(dsn_orcpt_of_addr("a\r\n@x.test", out,
	    sizeof(out)), -1);
	assert_int_equal(dsn_orcpt_of_addr("j\xc3@x.test", out,
	    sizeof(out)), -1);
	/* longer than 500 once encoded: none, rather than one mailer refuses */
	memset(big, '+', 200);
	strcpy(big + 200, "@x.test");
	assert_int_equal(dsn_orcpt_of_addr(big, out, sizeof(out)), -1);
}

static void
test_orcpt_hostile(void **state)
{
	char	 big[2000];

	(void)state;
	orcpt_bad("bob@example.test");		/* no type */
	orcpt_bad(";bob@example.test");
	orcpt_bad("rfc822;");
	orcpt_bad("rfc 822;a@b");
	orcpt_bad("rfc822;a@b\r\nRSET");
	orcpt_bad("rfc822;a+0D+0Ab");		/* CR LF, encoded */
	orcpt_bad("rfc822;a+00b");
	orcpt_bad("rfc822;a\x7f" "b");
	orcpt_bad("utf-8;a\\x{0A}b");		/* LF, escaped */
	orcpt_bad("utf-8;a\\x{85}b");		/* C1 control */
	orcpt_bad("utf-8;a\\x{D800}b");		/* surrogate */
	orcpt_bad("utf-8;a\\x{110000}b");	/* past Unicode */
	orcpt_bad("utf-8;a\\x{1234567}b");
	orcpt_bad("utf-8;a\\x{}b");
	orcpt_bad("utf-8;a\\x{F6b");
	orcpt_bad("utf-8;j\xc3@x");		/* cut sequence */
	orcpt_bad("utf-8;j\xc0\xaf@x");		/* overlong "/" */
	orcpt_bad("utf-8;j\xed\xa0\x80@x");	/* surrogate as UTF-8 */
	orcpt_bad("utf-8;j\xf5\x80\x80\x80@x");
	orcpt_bad("utf-8;\xff");
	orcpt_bad("utf-8;a b");
	/* too long once canonical: 501 at RCPT, not a bounce later */
	memset(big, 'a', 498);
	strcpy(big + 498, "@x");
	orcpt_bad(big);
	memcpy(big, "rfc822;", 7);
	big[500] = '\0';
	assert_int_equal(dsn_orcpt_canon(big, NULL, 0), 0);	/* 500 */
	strcpy(big + 498, "a@x");
	orcpt_bad(big);						/* 501 */
	memset(big + 7, '+', 400);
	orcpt_bad(big);
	/* a long utf-8 value grows by its escapes past 500 */
	strcpy(big, "utf-8;");
	for (int i = 0; i < 100; i++)
		strcat(big, "\xc3\xb6");
	orcpt_bad(big);
	/* every single octet after the type: refused or canonical */
	for (int c = 1; c < 256; c++) {
		char	 in[32], out[DSN_ORCPT_MAX + 1], again[DSN_ORCPT_MAX + 1];

		snprintf(in, sizeof(in), "utf-8;a%cb", c);
		if (dsn_orcpt_canon(in, out, sizeof(out)) == 0) {
			assert_int_equal(dsn_orcpt_canon(out, again,
			    sizeof(again)), 0);
			assert_string_equal(out, again);
		}
		snprintf(in, sizeof(in), "rfc822;a%cb", c);
		if (dsn_orcpt_canon(in, out, sizeof(out)) == 0) {
			assert_int_equal(dsn_orcpt_canon(out, again,
			    sizeof(again)), 0);
			assert_string_equal(out, again);
		}
	}
}

/* A small fixed-seed generator: the same strings on every run. */
static unsigned long
next_random(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return *seed >> 33;
}

/*
 * Hostile strings from an alphabet of the bytes that matter: whatever
 * is accepted is 7-bit graphic, at most 500 octets, and read back as
 * itself (what smtpd spools, mailer takes and sends unchanged).
 */
static void
test_orcpt_random(void **state)
{
	static const char alphabet[] = "+\\x{}=;@\"> aF09Zrfc822utf-8"
	    "\x01\r\n\x7f\x80\x9f\xa0\xc3\xb6\xe6\x97\xa5\xed\xf0\x9f\x98\xff";
	unsigned long	 seed = 8;
	char		 in[80], out[DSN_ORCPT_MAX + 1], again[DSN_ORCPT_MAX + 1];
	int		 accepted = 0;

	(void)state;
	for (int i = 0; i < 50000; i++) {
		size_t	 len = next_random(&seed) % 40, j;

		j = (size_t)snprintf(in, sizeof(in), "%s",
		    next_random(&seed) % 2 ? "utf-8;" : "rfc822;");
		for (; len-- > 0; j++)
			in[j] = alphabet[next_random(&seed) %
			    (sizeof(alphabet) - 1)];
		in[j] = '\0';
		if (dsn_orcpt_canon(in, out, sizeof(out)) != 0)
			continue;
		accepted++;
		assert_true(strlen(out) <= DSN_ORCPT_MAX);
		for (const char *p = out; *p; p++)
			assert_true(*p >= 33 && *p <= 126);
		assert_int_equal(dsn_orcpt_canon(out, again, sizeof(again)), 0);
		assert_string_equal(out, again);
	}
	assert_true(accepted > 1000);	/* the test saw both outcomes */
}

static void
test_orcpt_field(void **state)
{
	char	 out[DSN_ORCPT_MAX + 1];

	(void)state;
	dsn_orcpt_field("rfc822;Bob+40x.test", out, sizeof(out));
	assert_string_equal(out, "rfc822;Bob@x.test");
	dsn_orcpt_field("rfc822;sales+eu@x.test", out, sizeof(out));
	assert_string_equal(out, "rfc822;sales+eu@x.test");
	dsn_orcpt_field("utf-8;j\xc3\xb6@x.test", out, sizeof(out));
	assert_string_equal(out, "utf-8;j\\x{F6}@x.test");
	dsn_orcpt_field("rfc822;a+C3+B6@x", out, sizeof(out));
	assert_string_equal(out, "rfc822;a+C3+B6@x");
	dsn_orcpt_field("rfc822;a+0D+0AX: y", out, sizeof(out));
	assert_string_equal(out, "");
}

static void
test_envid(void **state)
{
	char	 out[DSN_ENVID_MAX + 1], big[300];

	(void)state;
	assert_int_equal(dsn_envid_canon("abc+2B1", out, sizeof(out)), 0);
	assert_string_equal(out, "abc+2B1");
	assert_int_equal(dsn_envid_canon("id+x", out, sizeof(out)), 0);
	assert_string_equal(out, "id+2Bx");
	assert_int_equal(dsn_envid_canon("a+0Ab", out, sizeof(out)), -1);
	assert_int_equal(dsn_envid_canon("a+C3b", out, sizeof(out)), -1);
	assert_int_equal(dsn_envid_canon("j\xc3\xb6", out, sizeof(out)), -1);
	assert_int_equal(dsn_envid_canon("", out, sizeof(out)), -1);
	memset(big, 'a', 100);
	big[100] = '\0';
	assert_int_equal(dsn_envid_canon(big, out, sizeof(out)), 0);
	big[99] = '+';		/* "+" grows to "+2B": 102 */
	assert_int_equal(dsn_envid_canon(big, NULL, 0), -1);
	assert_int_equal(dsn_envid_of_text("my id=1", out, sizeof(out)), 0);
	assert_string_equal(out, "my+20id+3D1");
	assert_int_equal(dsn_envid_canon(out, NULL, 0), 0);
	assert_int_equal(dsn_envid_of_text("a\nb", out, sizeof(out)), -1);
}

static void
test_notify_ret(void **state)
{
	char	 out[DSN_NOTIFY_MAX];

	(void)state;
	assert_int_equal(dsn_notify_canon("delay,success", out, sizeof(out)), 0);
	assert_string_equal(out, "SUCCESS,DELAY");
	assert_int_equal(dsn_notify_canon("never", out, sizeof(out)), 0);
	assert_string_equal(out, "NEVER");
	assert_int_equal(dsn_notify_canon("NEVER,SUCCESS", NULL, 0), -1);
	assert_int_equal(dsn_notify_canon("SUCCESS,SUCCESS", NULL, 0), -1);
	assert_int_equal(dsn_notify_canon("SUCCESS,", NULL, 0), -1);
	assert_int_equal(dsn_notify_canon("sometimes", NULL, 0), -1);
	assert_true(dsn_notify_wants(NULL, "FAILURE"));
	assert_true(dsn_notify_wants(NULL, "DELAY"));
	assert_false(dsn_notify_wants(NULL, "SUCCESS"));
	assert_false(dsn_notify_wants("NEVER", "FAILURE"));
	assert_true(dsn_notify_wants("SUCCESS,FAILURE", "failure"));
	assert_false(dsn_notify_wants("SUCCESS", "DELAY"));
	assert_string_equal(dsn_ret_canon("hdrs"), "HDRS");
	assert_string_equal(dsn_ret_canon("Full"), "FULL");
	assert_null(dsn_ret_canon("ALL"));
}

static void
test_path_len(void **state)
{
	(void)state;
	assert_int_equal(dsn_path_len("<a@b> ORCPT=rfc822;x>y"), 5);
	assert_int_equal(dsn_path_len("<\"a b\"@x> ORCPT=rfc822;x>y"), 9);
	assert_int_equal(dsn_path_len("<\"a>b\"@x>"), 9);
	assert_int_equal(dsn_path_len("<\"a\\\">b\"@x> X"), 11);
	assert_int_equal(dsn_path_len("<\"a b@x"), 0);
	assert_int_equal(dsn_path_len("a@b>"), 0);
	assert_int_equal(dsn_path_len("<"), 0);
	assert_int_equal(dsn_path_len("<\"\\"), 0);
}

static void
test_next_param(void **state)
{
	char	 line[128], *rest = line, *key, *value;

	(void)state;
	strcpy(line, "NOTIFY=NEVER  ORCPT=rfc822;x>y SMTPUTF8");
	assert_int_equal(dsn_next_param(&rest, &key, &value), 0);
	assert_string_equal(key, "NOTIFY");
	assert_string_equal(value, "NEVER");
	assert_int_equal(dsn_next_param(&rest, &key, &value), 0);
	assert_string_equal(key, "ORCPT");
	assert_string_equal(value, "rfc822;x>y");
	assert_int_equal(dsn_next_param(&rest, &key, &value), 0);
	assert_string_equal(key, "SMTPUTF8");
	assert_null(value);
	assert_null(rest);
	strcpy(line, "A=b=c");
	rest = line;
	assert_int_equal(dsn_next_param(&rest, &key, &value), -1);
	strcpy(line, "-A=b");
	rest = line;
	assert_int_equal(dsn_next_param(&rest, &key, &value), -1);
	strcpy(line, "A=\x01");
	rest = line;
	assert_int_equal(dsn_next_param(&rest, &key, &value), -1);
	strcpy(line, "A=");
	rest = line;
	assert_int_equal(dsn_next_param(&rest, &key, &value), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xtext_round_trip),
		cmocka_unit_test(test_xtext_lenient_plus),
		cmocka_unit_test(test_xtext_display),
		cmocka_unit_test(test_orcpt_cases),
		cmocka_unit_test(test_orcpt_of_addr),
		cmocka_unit_test(test_orcpt_hostile),
		cmocka_unit_test(test_orcpt_random),
		cmocka_unit_test(test_orcpt_field),
		cmocka_unit_test(test_envid),
		cmocka_unit_test(test_notify_ret),
		cmocka_unit_test(test_path_len),
		cmocka_unit_test(test_next_param),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
