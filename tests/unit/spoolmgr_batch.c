/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of spoolmgr's batched WRK writes (msg_changed, msg_flush):
 * a rewrite after SAVE_BATCH changes or SAVE_SECONDS, not after each one
 * (issue 8, defect 6), and nothing left unwritten at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../spoolmgr/spoolmgr.h"

struct fixture {
	char		 dir[32];
	char		 wrk[64];
	struct config	 cf;
	struct runner	 r;
	struct msg	*m;
};

static void
put(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 path[64];

	assert_non_null(f);
	strcpy(f->dir, "/tmp/spoolmgr-unit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/in", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/in/1.TXT", f->dir);
	put(path, "Subject: x\n\nbody\n");
	snprintf(f->wrk, sizeof(f->wrk), "%s/in/1.WRK", f->dir);
	put(f->wrk, "From: <a@x.test>\nTo: <b@y.test>\n");
	f->cf.spool = f->dir;
	f->r.cf = &f->cf;
	f->r.now = time(NULL);
	assert_int_equal(msg_open(&f->r, "in", 1, &f->m), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[64];

	msg_close(f->m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The inode of the WRK: a rewrite renames a new file over it. */
static ino_t
wrk_inode(const struct fixture *f)
{
	struct stat	 st;

	assert_int_equal(stat(f->wrk, &st), 0);
	return st.st_ino;
}

/* How many recipients the WRK on disk has a State line for. */
static int
states_on_disk(const struct fixture *f)
{
	FILE	*fp = fopen(f->wrk, "r");
	char	 line[1024];
	int	 n = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		n += strncmp(line, "State: ", 7) == 0;
	fclose(fp);
	return n;
}

static void
change(struct fixture *f, int i)
{
	struct rcpt_status	 st;
	char			 addr[32];

	memset(&st, 0, sizeof(st));
	st.state = RCPT_DONE;
	snprintf(addr, sizeof(addr), "r%d@y.test", i);
	assert_int_equal(queue_set_state(&f->m->env, addr, &st), 0);
	assert_int_equal(msg_changed(&f->r, f->m), 0);
}

static void
test_written_every_batch(void **state)
{
	struct fixture	*f = *state;
	ino_t		 first = wrk_inode(f);

	for (int i = 0; i < SAVE_BATCH - 1; i++)
		change(f, i);
	assert_int_equal(wrk_inode(f), first);	/* not yet rewritten */
	assert_int_equal(states_on_disk(f), 0);
	change(f, SAVE_BATCH - 1);
	assert_int_equal(states_on_disk(f), SAVE_BATCH);
	assert_int_equal(f->m->unsaved, 0);
	for (int i = SAVE_BATCH; i < SAVE_BATCH + 5; i++)
		change(f, i);
	assert_int_equal(states_on_disk(f), SAVE_BATCH);
	assert_int_equal(msg_flush(&f->r, f->m), 0);	/* the end of a step */
	assert_int_equal(states_on_disk(f), SAVE_BATCH + 5);
}

static void
test_written_after_a_second(void **state)
{
	struct fixture	*f = *state;

	change(f, 0);
	assert_int_equal(states_on_disk(f), 0);
	f->m->saved_at.tv_sec -= SAVE_SECONDS;	/* the last save is old */
	change(f, 1);
	assert_int_equal(states_on_disk(f), 2);
}

static void
test_flush_without_changes_writes_nothing(void **state)
{
	struct fixture	*f = *state;
	ino_t		 first = wrk_inode(f);

	assert_int_equal(msg_flush(&f->r, f->m), 0);
	assert_int_equal(wrk_inode(f), first);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_written_every_batch,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_after_a_second,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_flush_without_changes_writes_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
