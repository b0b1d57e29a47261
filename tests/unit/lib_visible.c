/* Unit tests of lib/visible.c: text shown to a person or a JSON reader. */
#include <stdarg.h>
#include <stddef.h>
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
		cmocka_unit_test(test_json),
	};
	int	 failed = cmocka_run_group_tests(tests, NULL, NULL);

	free(result);
	return failed;
}
