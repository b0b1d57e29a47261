/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of lib/keylist.c, the "key: value, value" reader under the
 * aliases file and authsenders=: comments in both styles, the two ways
 * of splitting values, line numbers, and the "PATH:LINE: why" errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keylist.h"

static char	dir[64];

/* What the entries looked like: "LINE key=v1|v2;" for each. */
struct seen {
	char	 text[1024];
	int	 refuse_line;	/* refuse this line (0: none) */
	const char *why;	/* with this why */
};

static const char *
write_tmp(const char *name, const char *text)
{
	static char	 path[200];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int
record(void *arg, const struct keylist_entry *entry, char *why,
    size_t whylen)
{
	struct seen	*seen = arg;
	size_t		 len = strlen(seen->text);

	if (entry->lineno == seen->refuse_line) {
		snprintf(why, whylen, "%s", seen->why);
		return -1;
	}
	len += snprintf(seen->text + len, sizeof(seen->text) - len, "%d %s=",
	    entry->lineno, entry->key);
	for (char **v = entry->values; *v; v++)
		len += snprintf(seen->text + len, sizeof(seen->text) - len,
		    "%s%s", *v, v[1] ? "|" : "");
	snprintf(seen->text + len, sizeof(seen->text) - len, ";");
	return 0;
}

static int
read_text(const char *name, const char *text, int flags, struct seen *seen,
    char *err, size_t errlen)
{
	const struct keylist_format format = {
		.flags = flags,
		.no_colon = "expected key: value",
		.entry = record,
		.arg = seen,
	};

	return keylist_read(text ? write_tmp(name, text) : name, &format,
	    err, errlen);
}

static void
test_entries(void **state)
{
	struct seen	 seen = { "", 0, NULL };
	char		 err[300] = "";

	(void)state;
	assert_int_equal(read_text("plain", "# head\n\n  \t\nPost Master :  "
	    "root\nsales: ann@a.test ,, bob smith , \r\nempty:\n: x\n",
	    0, &seen, err, sizeof(err)), 0);
	assert_string_equal(seen.text, "4 Post Master=root;"
	    "5 sales=ann@a.test|bob smith;6 empty=;7 =x;");
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("blanks", "alice: a@x.test b@x.test,\t"
	    "@y.test ,<>\n", KEYLIST_SPLIT_BLANKS, &seen, err,
	    sizeof(err)), 0);
	assert_string_equal(seen.text, "1 alice=a@x.test|b@x.test|@y.test|<>;");
}

static void
test_comments(void **state)
{
	const char	*text = "  # a comment line\nk: a#b, c # note\n"
	    "#k2: skipped\nk3: d\n";
	struct seen	 seen = { "", 0, NULL };
	char		 err[300] = "";

	(void)state;
	assert_int_equal(read_text("anywhere", text, KEYLIST_HASH_ANYWHERE,
	    &seen, err, sizeof(err)), 0);
	assert_string_equal(seen.text, "2 k=a;4 k3=d;");
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("first", text, 0, &seen, err,
	    sizeof(err)), 0);
	assert_string_equal(seen.text, "2 k=a#b|c # note;4 k3=d;");
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("first-blanks", text, KEYLIST_SPLIT_BLANKS,
	    &seen, err, sizeof(err)), 0);
	assert_string_equal(seen.text, "2 k=a#b|c|#|note;4 k3=d;");
	/* A key cut by '#' has no ':' left. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("cut", "ab#: c\n", KEYLIST_HASH_ANYWHERE,
	    &seen, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/cut:1: expected key: value"));
}

static void
test_errors(void **state)
{
	struct seen	 seen = { "", 3, "k3 is bad" };
	char		 err[300] = "";

	(void)state;
	assert_int_equal(read_text("refused", "k1: a\n\nk3: b\nk4: c\n", 0,
	    &seen, err, sizeof(err)), -1);
	assert_string_equal(seen.text, "1 k1=a;");	/* stops there */
	assert_non_null(strstr(err, "/refused:3: k3 is bad"));
	memset(&seen, 0, sizeof(seen));
	seen.refuse_line = 1;
	seen.why = "";
	assert_int_equal(read_text("nomem", "k1: a\n", 0, &seen, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nomem:1: out of memory"));
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(read_text("nocolon", "k1: a\nk2 b\n", 0, &seen, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nocolon:2: expected key: value"));
}

static void
test_missing(void **state)
{
	struct seen	 seen = { "", 0, NULL };
	char		 path[200], err[300] = "";

	(void)state;
	snprintf(path, sizeof(path), "%s/nosuch", dir);
	assert_int_equal(read_text(path, NULL, KEYLIST_MISSING_EMPTY, &seen,
	    err, sizeof(err)), 0);
	assert_string_equal(seen.text, "");
	assert_int_equal(read_text(NULL, NULL, KEYLIST_MISSING_EMPTY, &seen,
	    err, sizeof(err)), 0);
	assert_int_equal(read_text(path, NULL, 0, &seen, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/nosuch: No such file"));
	/* Only a missing file is empty: a directory is an error. */
	assert_int_equal(read_text(dir, NULL, KEYLIST_MISSING_EMPTY, &seen,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, dir));
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/keylist-unit.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char	 cmd[100];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
