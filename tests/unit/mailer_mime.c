/* SPDX-License-Identifier: ISC */
/* The 7-bit conversion of 8-bit MIME (mailer/mime.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../mailer/mime.h"

/* Analyses msg, then converts it fed step bytes at a time (0: whole). */
static char *
convert(const char *msg, size_t step, struct mime_plan *plan)
{
	struct mime_conv	 m;
	struct buf		 out = { NULL, 0, 0 };
	size_t			 len = strlen(msg);

	mime_init(&m, MIME_ANALYZE, plan);
	assert_int_equal(mime_feed(&m, msg, len, &out), 0);
	assert_int_equal(mime_finish(&m, &out), 0);
	assert_int_equal(out.len, 0);	/* the analysis writes nothing */
	mime_free(&m);
	if (!plan->convertible)
		return NULL;
	mime_init(&m, MIME_CONVERT, plan);
	for (size_t at = 0; at < len; at += step ? step : len) {
		size_t	 n = step && len - at > step ? step : len - at;

		assert_int_equal(mime_feed(&m, msg + at, n, &out), 0);
	}
	assert_int_equal(mime_finish(&m, &out), 0);
	mime_free(&m);
	assert_int_equal(buf_append(&out, "", 1), 0);
	return out.data;
}

static void
test_text_quoted_printable(void **state)
{
	struct mime_plan	 plan;
	char			*got;
	const char		*msg =
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n"
	    "caf\xc3\xa9 = 1 \n"
	    "tab\t\n";

	(void)state;
	got = convert(msg, 0, &plan);
	assert_string_equal(got,
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "caf=C3=A9 =3D 1=20\r\n"
	    "tab=09\r\n");
	assert_false(plan.header8);
	free(got);
	mime_plan_free(&plan);
}

/* Soft line breaks keep every line at 76 octets or fewer. */
static void
test_quoted_printable_lines(void **state)
{
	struct mime_plan	 plan;
	char			 msg[4096], *got, *line;
	size_t			 n;

	(void)state;
	n = (size_t)snprintf(msg, sizeof(msg), "MIME-Version: 1.0\n\n");
	for (int i = 0; i < 1500; i++)	/* longer than a line may be */
		msg[n++] = i % 3 ? 'a' : '\xe9';
	strcpy(msg + n, "\n");
	got = convert(msg, 7, &plan);
	assert_non_null(got);
	for (line = strstr(got, "\r\n\r\n") + 4; *line; ) {
		char	*end = strstr(line, "\r\n");

		assert_non_null(end);
		assert_true(end - line <= 76);
		line = end + 2;
	}
	free(got);
	mime_plan_free(&plan);
}

static const char multipart[] =
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\n"
    "\n"
    "preamble\n"
    "--b1\n"
    "Content-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "\xff\xfe\n"
    "x\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "plain\n"
    "--b1--\n"
    "epilogue\n";

/* base64 for other types; the line end before a boundary is not data. */
static void
test_multipart(void **state)
{
	struct mime_plan	 plan;
	char			*whole, *bytewise;
	const char		*want =
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
	    "\r\n"
	    "preamble\r\n"
	    "--b1\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "//4NCng=\r\n"		/* ff fe CR LF 'x' */
	    "--b1\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "plain\r\n"			/* 7-bit: left as it is */
	    "--b1--\r\n"
	    "epilogue\r\n";

	(void)state;
	whole = convert(multipart, 0, &plan);
	assert_string_equal(whole, want);
	assert_int_equal(plan.nleaves, 2);
	mime_plan_free(&plan);
	bytewise = convert(multipart, 1, &plan);	/* chunks don't matter */
	assert_string_equal(bytewise, want);
	free(whole);
	free(bytewise);
	mime_plan_free(&plan);
}

/* What cannot be converted honestly, and why. */
static void
test_refusals(void **state)
{
	static const struct {
		const char	*msg, *why;
		int		 header8;
	} cases[] = {
		{ "Subject: x\n\n\xe9\n", "not MIME", 0 },
		{ "MIME-Version: 1.0\nSubject: \xe9\n\nx\n", "header", 1 },
		{ "MIME-Version: 1.0\nContent-Transfer-Encoding: base64\n\n"
		  "\xe9\n", "labelled base64", 0 },
		{ "MIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\n"
		  "\xe9\n", "labelled binary", 0 },
		{ "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
		  "boundary=b\n\n\xe9 preamble\n--b\n\nx\n--b--\n",
		  "preamble", 0 },
		{ "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
		  "boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
		  "Subject: inner\n\n\xe9\n--b--\n", "without MIME-Version", 0 },
		{ "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
		  "boundary=b\n\n--b\nContent-Type: text/plain; name=\xe9\n"
		  "\nx\n--b--\n", "header", 1 },
	};
	struct mime_plan	 plan;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(convert(cases[i].msg, 0, &plan));
		assert_false(plan.convertible);
		assert_non_null(strstr(plan.why, cases[i].why));
		assert_int_equal(plan.header8, cases[i].header8);
		mime_plan_free(&plan);
	}
}

/* A header section too large to keep makes the message unconvertible. */
static void
test_header_bounded(void **state)
{
	struct mime_plan	 plan;
	size_t			 n = MIME_HEADER_MAX + 100, at = 0;
	char			*msg = malloc(n + 100);

	(void)state;
	assert_non_null(msg);
	at += (size_t)sprintf(msg, "MIME-Version: 1.0\n");
	while (at < n)
		at += (size_t)sprintf(msg + at, "X-Pad: %060d\n", 0);
	strcpy(msg + at, "\n\xe9\n");
	assert_null(convert(msg, 0, &plan));
	assert_non_null(strstr(plan.why, "too large"));
	free(msg);
	mime_plan_free(&plan);
}

/* message/rfc822 with MIME inside: converted inside, labelled 7bit. */
static void
test_encapsulated(void **state)
{
	struct mime_plan	 plan;
	char			*got;
	const char		*msg =
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/digest; boundary=d\n"
	    "\n"
	    "--d\n"
	    "\n"			/* a digest part is message/rfc822 */
	    "MIME-Version: 1.0\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n"
	    "\xe9\n"
	    "--d--\n";

	(void)state;
	got = convert(msg, 3, &plan);
	assert_non_null(got);
	assert_non_null(strstr(got, "--d\r\n\r\nMIME-Version: 1.0\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n=E9\r\n"
	    "--d--\r\n"));
	free(got);
	mime_plan_free(&plan);
}

/* A fixed pseudo-random sequence (xorshift32), for repeatable runs. */
static unsigned int
next_random(unsigned int *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Mangled messages: whatever the analysis says, it never crashes, and
 * when it says convertible the conversion has no 8-bit byte left and
 * does not depend on how the message is cut into chunks.
 */
static void
test_mangled(void **state)
{
	static const char *const pieces[] = { "\xe9", "\r", "\n", "\n\n",
	    "--b1", "--b1--\n", "\nContent-Type: message/rfc822\n\n",
	    "\nContent-Transfer-Encoding: binary\n", " ", "=", "\t\n" };
	unsigned int		 x = 2463534242u;
	struct mime_plan	 plan;
	char			 msg[1024], *whole, *cut;
	int			 converted = 0;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t	 n = strlen(multipart);

		memcpy(msg, multipart, n + 1);
		for (int k = next_random(&x) % 4; k >= 0; k--) {
			const char	*p = pieces[next_random(&x) % 11];
			size_t		 at = next_random(&x) % n, pl = strlen(p);

			if (n + pl >= sizeof(msg))
				break;
			memmove(msg + at + pl, msg + at, n - at + 1);
			memcpy(msg + at, p, pl);
			n += pl;
		}
		if ((whole = convert(msg, 0, &plan)) == NULL) {
			mime_plan_free(&plan);
			continue;
		}
		converted++;
		for (const char *p = whole; *p; p++)
			assert_true((unsigned char)*p < 0x80);
		mime_plan_free(&plan);
		cut = convert(msg, 1 + next_random(&x) % 40, &plan);
		assert_non_null(cut);
		assert_string_equal(whole, cut);
		free(whole);
		free(cut);
		mime_plan_free(&plan);
	}
	assert_true(converted > 100);	/* the property was put to work */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_quoted_printable),
		cmocka_unit_test(test_quoted_printable_lines),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_header_bounded),
		cmocka_unit_test(test_encapsulated),
		cmocka_unit_test(test_mangled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
