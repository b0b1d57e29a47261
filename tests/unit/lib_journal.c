/* SPDX-License-Identifier: ISC */
/* Unit tests of lib/journal.c: the one journal writer of spoolmgr and mailer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "journal.h"

#define DAY0	(86400 * 20000)		/* 2024-10-04, a whole day */

static void
new_spool(char *dir)
{
	assert_non_null(mkdtemp(dir));
}

static void
remove_spool(const char *dir)
{
	char	 cmd[100];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
day_file(char *out, size_t outlen, const char *dir, const char *day)
{
	snprintf(out, outlen, "%s/journal/%s", dir, day);
}

static int
count_lines(char **f, void *arg)
{
	int	*n = arg;

	if (strcmp(f[J_EVENT], "delivered") == 0 &&
	    strcmp(f[J_REPLY], "250 ok\\ttabbed") == 0 && f[J_DSN][0] == '\0')
		(*n)++;
	return 0;
}

static void
test_journal_round_trip_and_prune(void **state)
{
	char		 dir[] = "/tmp/lib-journal-XXXXXX";
	struct jentry	 e = { DAY0, 7, "<m@x>", "a@x", "b@y",
	    "delivered", "mx[1.2.3.4]", "250 ok\ttabbed", NULL };
	int		 n = 0;

	(void)state;
	new_spool(dir);
	assert_int_equal(journal_add(dir, &e, 1), 0);
	assert_int_equal(journal_add(dir, &e, 1), 0);
	assert_int_equal(journal_each(dir, count_lines, &n), 0);
	assert_int_equal(n, 2);
	/* an overlong field is cut; the line stays whole, the buffer intact */
	{
		char	*huge = malloc(9000);
		struct jentry big = e;

		assert_non_null(huge);
		memset(huge, 'x', 8999);
		huge[8999] = '\0';
		big.reply = huge;
		big.host = huge;
		assert_int_equal(journal_add(dir, &big, 1), 0);
		free(huge);
	}
	assert_int_equal(journal_add(dir, &e, 1), 0);
	n = 0;
	assert_int_equal(journal_each(dir, count_lines, &n), 0);
	assert_int_equal(n, 3);		/* the line after it is whole */
	journal_prune(dir, 7, e.when + 3 * 86400);
	n = 0;
	journal_each(dir, count_lines, &n);
	assert_int_equal(n, 3);		/* younger than 7 days: kept */
	journal_prune(dir, 7, e.when + 9 * 86400);
	n = 0;
	journal_each(dir, count_lines, &n);
	assert_int_equal(n, 0);
	remove_spool(dir);
}

struct seen {
	int	 lines;
	char	 rcpt[256], reply[1024];
};

static int
keep_fields(char **f, void *arg)
{
	struct seen	*s = arg;

	s->lines++;
	snprintf(s->rcpt, sizeof(s->rcpt), "%s", f[J_RCPT]);
	snprintf(s->reply, sizeof(s->reply), "%s", f[J_REPLY]);
	return 0;
}

/* A hostile server's reply or a crafted address cannot make two lines. */
static void
test_control_bytes_escaped(void **state)
{
	char		 dir[] = "/tmp/lib-journal-XXXXXX", path[200], text[4096];
	struct jentry	 e = { DAY0, 9, NULL, "a@x", "b\r\n@y", "deferred",
	    NULL, "451 busy\r\n1\t2\t3\t4\t5\t6\t7\t8\tdelivered\x1b]0;x\x07\x7f",
	    NULL };
	struct seen	 seen = { 0, "", "" };
	ssize_t		 len;
	int		 fd, newlines = 0;

	(void)state;
	new_spool(dir);
	assert_int_equal(journal_add(dir, &e, 1), 0);
	day_file(path, sizeof(path), dir, "2024-10-04");
	assert_true((fd = open(path, O_RDONLY)) != -1);
	len = read(fd, text, sizeof(text));
	close(fd);
	assert_true(len > 0);
	for (ssize_t i = 0; i < len; i++) {
		newlines += text[i] == '\n';
		/* nothing for a terminal to act on either */
		assert_false(text[i] == '\r' || text[i] == 0x1b ||
		    text[i] == 0x07 || text[i] == 0x7f);
	}
	assert_int_equal(newlines, 1);
	assert_int_equal(journal_each(dir, keep_fields, &seen), 0);
	assert_int_equal(seen.lines, 1);
	assert_string_equal(seen.rcpt, "b\\r\\n@y");
	assert_string_equal(seen.reply, "451 busy\\r\\n1\\t2\\t3\\t"
	    "4\\t5\\t6\\t7\\t8\\tdelivered\\x1b]0;x\\x07\\x7f");
	remove_spool(dir);
}

/*
 * Whatever the umask, the spool's group appends: the directory 0770 and
 * the day's file 0660, also when an older spoolmgr made them 0750/0640.
 */
static void
test_modes_for_the_spool_group(void **state)
{
	char		 dir[] = "/tmp/lib-journal-XXXXXX", path[200];
	struct jentry	 e = { DAY0, 1, NULL, "a@x", "b@y", "delivered",
	    NULL, "250 ok", NULL };
	struct stat	 st;
	mode_t		 old = umask(077);

	(void)state;
	new_spool(dir);
	assert_int_equal(journal_add(dir, &e, 1), 0);
	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0770);
	day_file(path, sizeof(path), dir, "2024-10-04");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	/* the modes an older spoolmgr left are opened to the group */
	assert_int_equal(chmod(path, 0640), 0);
	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_int_equal(chmod(path, 0750), 0);
	assert_int_equal(journal_add(dir, &e, 1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0770);
	day_file(path, sizeof(path), dir, "2024-10-04");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	umask(old);
	remove_spool(dir);
}

/*
 * Without create (mailer set-group-ID for an ordinary user) nothing is
 * made: the line goes into the file spoolmgr prepared, or nowhere.
 */
static void
test_append_only_needs_a_prepared_file(void **state)
{
	char		 dir[] = "/tmp/lib-journal-XXXXXX", path[200];
	struct jentry	 e = { time(NULL), 1, NULL, "a@x", "b@y", "delivered",
	    NULL, "250 ok", NULL };
	struct seen	 seen = { 0, "", "" };
	char		 day[16];
	struct tm	 tm;

	(void)state;
	new_spool(dir);
	errno = 0;
	assert_int_equal(journal_add(dir, &e, 0), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_int_equal(access(path, F_OK), -1);	/* nothing made */
	assert_int_equal(journal_prepare(dir, e.when), 0);
	for (int ahead = 0; ahead <= JOURNAL_DAYS_AHEAD; ahead++) {
		time_t	 when = e.when + ahead * 86400;

		gmtime_r(&when, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		day_file(path, sizeof(path), dir, day);
		assert_int_equal(access(path, W_OK), 0);
	}
	assert_int_equal(journal_add(dir, &e, 0), 0);
	assert_int_equal(journal_each(dir, keep_fields, &seen), 0);
	assert_int_equal(seen.lines, 1);
	remove_spool(dir);
}

/* A group member's symbolic link or FIFO is not written through. */
static void
test_no_link_no_fifo(void **state)
{
	char		 dir[] = "/tmp/lib-journal-XXXXXX", path[200];
	char		 target[200];
	struct jentry	 e = { DAY0, 1, NULL, "a@x", "b@y", "delivered",
	    NULL, "250 ok", NULL };
	struct stat	 st;

	(void)state;
	new_spool(dir);
	snprintf(path, sizeof(path), "%s/journal", dir);
	assert_int_equal(mkdir(path, 0770), 0);
	snprintf(target, sizeof(target), "%s/victim", dir);
	assert_int_equal(close(open(target, O_CREAT | O_WRONLY, 0600)), 0);
	day_file(path, sizeof(path), dir, "2024-10-04");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(journal_add(dir, &e, 1), -1);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0660), 0);
	assert_int_equal(journal_add(dir, &e, 1), -1);	/* and no hang */
	remove_spool(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_round_trip_and_prune),
		cmocka_unit_test(test_control_bytes_escaped),
		cmocka_unit_test(test_modes_for_the_spool_group),
		cmocka_unit_test(test_append_only_needs_a_prepared_file),
		cmocka_unit_test(test_no_link_no_fifo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
