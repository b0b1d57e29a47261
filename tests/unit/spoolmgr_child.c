/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of run_capture (spoolmgr/child.c), which runs mxlookup and
 * mailer: output, first line of stderr, exit status, a program that
 * cannot run or dies by a signal, and a fork that fails leaking nothing
 * (issue 8, defect 11).
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../spoolmgr/spoolmgr.h"

static int
run_sh(const char *script, struct buf *out, char *err, size_t errlen)
{
	char	*argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	int	 devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), status;

	assert_true(devnull >= 0);
	status = run_capture(argv, devnull, out, err, errlen);
	close(devnull);
	return status;
}

static void
test_output_stderr_and_status(void **state)
{
	struct buf	 out = { NULL, 0, 0 };
	char		 err[64];

	(void)state;
	assert_int_equal(run_sh("echo one; echo two; echo why >&2; "
	    "echo more >&2; exit 3", &out, err, sizeof(err)), 3);
	assert_int_equal(out.len, 8);
	assert_memory_equal(out.data, "one\ntwo\n", 8);
	assert_string_equal(err, "why");
	buf_free(&out);
}

static void
test_a_program_killed_by_a_signal(void **state)
{
	struct buf	 out = { NULL, 0, 0 };
	char		 err[64];

	(void)state;
	assert_int_equal(run_sh("ulimit -c 0; kill -SEGV $$", &out, err,
	    sizeof(err)), 128 + SIGSEGV);
	buf_free(&out);
}

static void
test_a_missing_program_is_127(void **state)
{
	char		*argv[] = { "/nonexistent/mxlookup", "x.test", NULL };
	struct buf	 out = { NULL, 0, 0 };
	char		 err[128];

	(void)state;
	assert_int_equal(run_capture(argv, 0, &out, err, sizeof(err)), 127);
	assert_string_equal(err,
	    "/nonexistent/mxlookup: No such file or directory");
	buf_free(&out);
}

/* The descriptors open in this process. */
static int
open_fds(void)
{
	int	 n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/*
 * In a child process: as an ordinary user (nobody, when we are root:
 * root ignores the limit) with RLIMIT_NPROC 0, so that every fork
 * fails.  Exits 0 when run_capture said EX_OSERR with a reason each
 * time and left no descriptor (pipe ends, the stderr file) open; 2 when
 * the limit cannot be set up here.
 */
static void
fork_failures(void)
{
	struct rlimit	 none = { 0, 0 };
	struct passwd	*pw = getpwnam("nobody");
	struct buf	 out = { NULL, 0, 0 };
	char		 err[128];
	int		 before;

	if (geteuid() == 0 && (pw == NULL || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0))
		_exit(2);
	if (setrlimit(RLIMIT_NPROC, &none) != 0)
		_exit(2);
	before = open_fds();
	for (int i = 0; i < 100; i++) {
		err[0] = '\0';
		if (run_sh("exit 0", &out, err, sizeof(err)) != EX_OSERR ||
		    strstr(err, "fork: ") == NULL)
			_exit(1);
	}
	_exit(open_fds() == before ? 0 : 3);
}

static void
test_a_failed_fork_leaks_nothing(void **state)
{
	pid_t	 pid;
	int	 status;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0)
		fork_failures();
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 2)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_stderr_and_status),
		cmocka_unit_test(test_a_program_killed_by_a_signal),
		cmocka_unit_test(test_a_missing_program_is_127),
		cmocka_unit_test(test_a_failed_fork_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
