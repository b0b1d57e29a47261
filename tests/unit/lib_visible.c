/* SPDX-License-Identifier: ISC */
/* Unit tests of lib/visible.c: text shown to a person or a JSON reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "visible.h"

static char	*result;

static const char *
shown(const char *s, size_t len, int flags)
{
	struct buf	 b = { NULL, 0, 0 };

	free(result);
	assert_int_equal(visible_append(&b, s, len, flags), 0);
	result = b.data;
	return result;
}

static const char *
json(const char *s)
{
	struct buf	 b = { NULL, 0, 0 };

	free(result);
	assert_int_equal(visible_json(&b, s), 0);
	result = b.data;
	return result;
}

static void
test_terminal_sequences(void **state)
{
	(void)state;
	assert_string_equal(shown("\033]0;title\a\033[2J", 14, 0),
	    "\\x1b]0;title\\x07\\x1b[2J");
	assert_string_equal(shown("a\rb\nc\td\x7f", 8, 0),
	    "a\\rb\\nc\\td\\x7f");
	assert_string_equal(shown("a\0b", 3, 0), "a\\x00b");
}

static void
test_tab_kept_when_asked(void **state)
{
	(void)state;
	assert_string_equal(shown("\tfolded\r", 8, VISIBLE_KEEP_TAB),
	    "\tfolded\\r");
}

static void
test_backslash_cannot_forge(void **state)
{
	(void)state;
	assert_string_equal(shown("\\x1b", 4, 0), "\\\\x1b");
}

static void
test_utf8(void **state)
{
	(void)state;
	/* valid UTF-8 stays, C1 controls (U+009B is CSI) do not */
	assert_string_equal(shown("j\xc3\xb6 \xe2\x82\xac \xf0\x9f\x93\xa7", 12,
	    0), "j\xc3\xb6 \xe2\x82\xac \xf0\x9f\x93\xa7");
	assert_string_equal(shown("\xc2\x9b" "2J", 4, 0), "\\xc2\\x9b2J");
	/* invalid: lone byte, overlong, surrogate, truncated, past U+10FFFF */
	assert_string_equal(shown("\xff", 1, 0), "\\xff");
	assert_string_equal(shown("\xc0\xaf", 2, 0), "\\xc0\\xaf");
	assert_string_equal(shown("\xed\xa0\x80", 3, 0), "\\xed\\xa0\\x80");
	assert_string_equal(shown("\xe2\x82", 2, 0), "\\xe2\\x82");
	assert_string_equal(shown("\xf4\x90\x80\x80", 4, 0),
	    "\\xf4\\x90\\x80\\x80");
}

static void
test_visible_string(void **state)
{
	struct buf	 b = { NULL, 0, 0 };

	(void)state;
	assert_string_equal(visible(&b, "x\033y"), "x\\x1by");
	assert_string_equal(visible(&b, "again"), "again");
	assert_string_equal(visible(&b, NULL), "");
	assert_string_equal(visible(&b, ""), "");
	free(b.data);
}

/* Text already made visible (a journal field) is shown as it is; a raw
 * control byte in it is still escaped. */
static void
test_backslash_kept_when_asked(void **state)
{
	(void)state;
	assert_string_equal(shown("a\\x1bb\033", 7, VISIBLE_KEEP_BACKSLASH),
	    "a\\x1bb\\x1b");
}

/* A cut falls between escapes and between UTF-8 sequences, never in one. */
static void
test_cut_between_escapes(void **state)
{
	struct buf	 b = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(visible_append_max(&b, "ab\033cd", 5, 0, 4), 0);
	assert_string_equal(b.data, "ab");
	b.len = 0;
	assert_int_equal(visible_append_max(&b, "a\xc3\xb6" "b", 4, 0, 2), 0);
	assert_string_equal(b.data, "a");
	b.len = 0;
	assert_int_equal(visible_append_max(&b, "a\xc3\xb6" "b", 4, 0, 3), 0);
	assert_string_equal(b.data, "a\xc3\xb6");
	buf_free(&b);
}

/* What visible_append made, visible_undo gives back byte for byte. */
static void
test_undo_round_trip(void **state)
{
	const char	 raw[] = "a\\b\t\r\n\033]0;\x07\x7f\xc3\xb6\xff\\x41";
	char		 text[256];

	(void)state;
	snprintf(text, sizeof(text), "%s", shown(raw, sizeof(raw) - 1, 0));
	visible_undo(text);
	assert_string_equal(text, raw);
	snprintf(text, sizeof(text), "%s", "\\q \\x4 end\\");
	visible_undo(text);
	assert_string_equal(text, "\\q \\x4 end\\");
}

static void
test_json(void **state)
{
	(void)state;
	assert_string_equal(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json("\033]0;t\a\r\x7f"),
	    "\"\\u001b]0;t\\u0007\\u000d\\u007f\"");
	assert_string_equal(json("j\xc3\xb6\xc2\x9b"), "\"j\xc3\xb6\\u009b\"");
	assert_string_equal(json("\xff!"), "\"\\ufffd!\"");
	assert_string_equal(json(NULL), "\"\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_sequences),
		cmocka_unit_test(test_tab_kept_when_asked),
		cmocka_unit_test(test_backslash_cannot_forge),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_visible_string),
		cmocka_unit_test(test_backslash_kept_when_asked),
		cmocka_unit_test(test_cut_between_escapes),
		cmocka_unit_test(test_undo_round_trip),
		cmocka_unit_test(test_json),
	};
	int	 failed = cmocka_run_group_tests(tests, NULL, NULL);

	free(result);
	return failed;
}
