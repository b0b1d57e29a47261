/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of AUTH's back ends in lib/: base64, authusers= (real
 * crypt(3) hashes, yescrypt and SHA-512), authsenders=, the Dovecot
 * reply parser and a whole Dovecot conversation with a scripted server
 * on a unix socket, and the configuration keys.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <crypt.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth.h"
#include "auth_base64.h"
#include "auth_dovecot.h"
#include "auth_senders.h"
#include "auth_users.h"
#include "config.h"

static char	dir[64];

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

static void
test_base64(void **state)
{
	unsigned char	 out[64];
	char		 enc[64];

	(void)state;
	assert_int_equal(b64_decode("AGFsaWNlAHNlY3JldA==", 20, out,
	    sizeof(out)), 13);
	assert_memory_equal(out, "\0alice\0secret", 13);
	assert_int_equal(b64_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(b64_decode("YQ==", 4, out, sizeof(out)), 1);
	assert_int_equal(b64_decode("YWI=", 4, out, sizeof(out)), 2);
	/* not base64: wrong length, stray bytes, padding inside, padding
	 * bits set, space, padding in the wrong place */
	assert_int_equal(b64_decode("YWJ", 3, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("YW!j", 4, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("YQ==YWJj", 8, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("YR==", 4, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("YW Jj", 5, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("Y===", 4, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("=YWJ", 4, out, sizeof(out)), -1);
	assert_int_equal(b64_decode("YWJj", 4, out, 2), -1);
	assert_int_equal(b64_encode("\0alice\0secret", 13, enc, sizeof(enc)),
	    0);
	assert_string_equal(enc, "AGFsaWNlAHNlY3JldA==");
	assert_int_equal(b64_encode("ab", 2, enc, 4), -1);
	assert_int_equal(b64_encode("ab", 2, enc, 5), 0);
	assert_string_equal(enc, "YWI=");
}

/* A crypt(3) hash of password with a fresh salt of the given kind. */
static char *
make_hash(const char *prefix, const char *password)
{
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data	 cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_gensalt_rn(prefix, 0, NULL, 0, salt,
	    sizeof(salt)));
	return strdup(crypt_r(password, salt, &cd));
}

static void
test_users(void **state)
{
	struct auth_users users;
	char		 text[1024], err[300], *y = make_hash("$y$", "secret");
	char		*six = make_hash("$6$", "s3cret");

	(void)state;
	assert_true(strncmp(y, "$y$", 3) == 0);
	snprintf(text, sizeof(text), "# users\n\nalice:%s\n"
	    "bob:{SHA512-CRYPT}%s:1000:1000::/home/bob::\nlocked:!%s\n", y,
	    six, six);
	assert_int_equal(auth_users_load(&users, write_tmp("users", text),
	    err, sizeof(err)), 0);
	assert_int_equal(users.count, 3);
	assert_int_equal(auth_users_check(&users, "alice", "secret"), AUTH_OK);
	assert_int_equal(auth_users_check(&users, "alice", "Secret"),
	    AUTH_FAIL);
	assert_int_equal(auth_users_check(&users, "alice", ""), AUTH_FAIL);
	assert_int_equal(auth_users_check(&users, "bob", "s3cret"), AUTH_OK);
	assert_int_equal(auth_users_check(&users, "Bob", "s3cret"), AUTH_FAIL);
	assert_int_equal(auth_users_check(&users, "locked", "s3cret"),
	    AUTH_FAIL);
	assert_int_equal(auth_users_check(&users, "nobody", "secret"),
	    AUTH_FAIL);
	auth_users_free(&users);
	free(y);
	free(six);
}

static void
test_users_errors(void **state)
{
	struct auth_users users;
	char		 err[300];
	const char	*path;

	(void)state;
	path = write_tmp("bad1", "alice:$6$x$y\nbob\n");
	assert_int_equal(auth_users_load(&users, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad1:2: expected login:hash"));
	path = write_tmp("bad2", "alice:{PLAIN}secret\n");
	assert_int_equal(auth_users_load(&users, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad2:1: only crypt(3) hashes"));
	path = write_tmp("bad3", "alice:$6$x$y\nalice:$6$x$z\n");
	assert_int_equal(auth_users_load(&users, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad3:2: alice: login listed twice"));
	assert_int_equal(auth_users_load(&users, "/nonexistent/users", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/users: No such file or "
	    "directory");
	assert_int_equal(auth_users_parse(&users, "mem", "a:$6$x\0y\n", 9,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "mem:1: NUL in the line");
}

static void
test_senders(void **state)
{
	struct auth_senders senders;
	char		 err[300];

	(void)state;
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders",
	    "# who may send as whom\nalice: alice@example.test, "
	    "@Alice.Test\nbounces: <>\nadmin:*\n"), err, sizeof(err)), 0);
	assert_true(auth_senders_allowed(&senders, "alice",
	    "alice@example.test"));
	assert_true(auth_senders_allowed(&senders, "alice",
	    "ALICE@EXAMPLE.TEST"));
	assert_true(auth_senders_allowed(&senders, "alice", "x@alice.test"));
	assert_false(auth_senders_allowed(&senders, "alice",
	    "x@sub.alice.test"));
	assert_false(auth_senders_allowed(&senders, "alice",
	    "bob@example.test"));
	assert_false(auth_senders_allowed(&senders, "alice", ""));
	assert_true(auth_senders_allowed(&senders, "bounces", ""));
	assert_false(auth_senders_allowed(&senders, "bounces", "a@b.test"));
	assert_true(auth_senders_allowed(&senders, "admin", "any@where.test"));
	assert_false(auth_senders_allowed(&senders, "carol", "c@x.test"));
	auth_senders_free(&senders);
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders2",
	    "alice: alice@example.test\nbob bob@x\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders2:2: expected login: address"));
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders3",
	    "alice: alice\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders3:1: alice: not an address"));
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders4",
	    "alice:\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders4:1: no address after"));
	/* '#' starts only a comment line: inside a line it is an address's. */
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders5",
	    "  # note\nAlice: A#B@X.test\n"), err, sizeof(err)), 0);
	assert_true(auth_senders_allowed(&senders, "Alice", "a#b@x.test"));
	assert_false(auth_senders_allowed(&senders, "alice", "a#b@x.test"));
	auth_senders_free(&senders);
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders6",
	    "alice: a@x.test # note\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders6:1: #: not an address"));
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders7",
	    "alice: a@x.test\n\nalice: b@x.test\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders7:3: login listed twice"));
	assert_int_equal(auth_senders_load(&senders, write_tmp("senders8",
	    " : a@x.test\n"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders8:1: empty login"));
}

#define FEED(c, text)	dovecot_reply((c), (text), strlen(text))

static void
test_dovecot_parser(void **state)
{
	struct dovecot_conv c;
	char		 line[1200];

	(void)state;
	dovecot_start(&c, 7);
	assert_int_equal(FEED(&c, "VERSION\t1\t2"), DV_MORE);
	assert_int_equal(FEED(&c, "MECH\tPLAIN\tplaintext"), DV_MORE);
	assert_int_equal(FEED(&c, "MECH\tLOGIN\tplaintext"), DV_MORE);
	assert_int_equal(FEED(&c, "SPID\t123"), DV_MORE);
	assert_int_equal(FEED(&c, "COOKIE\tabc"), DV_MORE);
	assert_int_equal(FEED(&c, "DONE"), DV_HANDSHAKE_DONE);
	assert_int_equal(dovecot_auth_line(&c, "alice", "secret",
	    "192.0.2.1", line, sizeof(line)), 0);
	assert_string_equal(line, "AUTH\t7\tPLAIN\tservice=smtp\tnologin\t"
	    "rip=192.0.2.1\tsecured\tresp=AGFsaWNlAHNlY3JldA==\n");
	assert_int_equal(FEED(&c, "OK\t7\tuser=alice@example.test"), DV_OK);
	assert_string_equal(c.user, "alice@example.test");
	assert_int_equal(FEED(&c, "OK\t7"), DV_ERROR);

	dovecot_start(&c, 1);
	FEED(&c, "VERSION\t1\t2");
	FEED(&c, "MECH\tPLAIN");
	FEED(&c, "DONE");
	assert_int_equal(FEED(&c, "FAIL\t1\tuser=alice\treason=nope"),
	    DV_FAIL);
	assert_string_equal(c.why, "nope");
	dovecot_start(&c, 1);
	c.state = 2;
	assert_int_equal(FEED(&c, "FAIL\t1\ttemp"), DV_TEMPFAIL);
	c.state = 2;
	assert_int_equal(FEED(&c, "CONT\t1\t"), DV_ERROR);
	c.state = 2;
	assert_int_equal(FEED(&c, "OK\t2"), DV_ERROR);
	c.state = 2;
	assert_int_equal(FEED(&c, "OK\t1\tuser=a\001nb"), DV_ERROR);
	c.state = 2;
	assert_int_equal(dovecot_reply(&c, "OK\t1\0x", 6), DV_ERROR);

	dovecot_start(&c, 1);
	assert_int_equal(FEED(&c, "VERSION\t2\t0"), DV_ERROR);
	dovecot_start(&c, 1);
	FEED(&c, "VERSION\t1\t2");
	FEED(&c, "MECH\tCRAM-MD5");
	assert_int_equal(FEED(&c, "DONE"), DV_ERROR);
	assert_string_equal(c.why, "Dovecot does not offer PLAIN");
}

/* A scripted Dovecot on a unix socket: sends script, reads until EOF. */
static pid_t
fake_dovecot(const char *path, const char *script, const char *heard)
{
	struct sockaddr_un	 sun;
	int			 lfd, fd;
	pid_t			 pid;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_true((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	if ((pid = fork()) == 0) {
		char	 buf[4096];
		ssize_t	 n;
		size_t	 len = 0;
		FILE	*fp;

		alarm(10);
		fd = accept(lfd, NULL, NULL);
		if (write(fd, script, strlen(script)) < 0)
			_exit(1);
		while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
			len += (size_t)n;
		if ((fp = fopen(heard, "w")) != NULL) {
			fwrite(buf, 1, len, fp);
			fclose(fp);
		}
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void
test_dovecot_conversation(void **state)
{
	char		 sock[200], heard[200], canon[256], why[200];
	char		 text[4096] = "";
	FILE		*fp;
	pid_t		 pid;
	int		 status;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/auth-client", dir);
	snprintf(heard, sizeof(heard), "%s/heard", dir);
	pid = fake_dovecot(sock, "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\n"
	    "SPID\t1\nCUID\t2\nCOOKIE\tx\nDONE\nOK\t1\tuser=Alice\n", heard);
	assert_int_equal(dovecot_check(sock, 5, "alice", "secret", "local",
	    canon, sizeof(canon), why, sizeof(why)), AUTH_OK);
	assert_string_equal(canon, "Alice");
	waitpid(pid, &status, 0);
	assert_non_null(fp = fopen(heard, "r"));
	text[fread(text, 1, sizeof(text) - 1, fp)] = '\0';
	fclose(fp);
	assert_true(strncmp(text, "VERSION\t1\t1\nCPID\t", 17) == 0);
	assert_non_null(strstr(text, "\nAUTH\t1\tPLAIN\tservice=smtp\tnologin"
	    "\tsecured\tresp=AGFsaWNlAHNlY3JldA==\n"));
	unlink(sock);

	pid = fake_dovecot(sock, "VERSION\t1\t2\nMECH\tPLAIN\nDONE\n"
	    "FAIL\t1\treason=Password mismatch\n", heard);
	assert_int_equal(dovecot_check(sock, 5, "alice", "x", "192.0.2.1",
	    canon, sizeof(canon), why, sizeof(why)), AUTH_FAIL);
	assert_string_equal(why, "Password mismatch");
	waitpid(pid, &status, 0);
	unlink(sock);

	pid = fake_dovecot(sock, "VERSION\t1\t2\nMECH\tPLAIN\n", heard);
	assert_int_equal(dovecot_check(sock, 5, "alice", "x", "192.0.2.1",
	    canon, sizeof(canon), why, sizeof(why)), AUTH_TEMPFAIL);
	waitpid(pid, &status, 0);
	unlink(sock);
	assert_int_equal(dovecot_check(sock, 5, "alice", "x", "192.0.2.1",
	    canon, sizeof(canon), why, sizeof(why)), AUTH_TEMPFAIL);
	assert_non_null(strstr(why, "No such file or directory"));
}

static void
test_config_keys(void **state)
{
	struct config	 cf;
	char		 err[400];
	const char	*path;

	(void)state;
	path = write_tmp("both.conf", "hostname=h.test\nauthusers=/a\n"
	    "dovecotauth=/b\n");
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "both.conf:3: dovecotauth: authusers is "
	    "set too"));
	config_free(&cf);
	path = write_tmp("senders.conf", "authsenders=/s\n");
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "senders.conf: authsenders: needs "
	    "authusers or dovecotauth"));
	config_free(&cf);
	{
		struct auth_setup setup;
		char		 conf[300];
		const char	*users = write_tmp("users644", "a:$6$x$y\n");

		chmod(users, 0644);
		snprintf(conf, sizeof(conf), "authusers=%s\n", users);
		path = write_tmp("users.conf", conf);
		assert_int_equal(config_load(&cf, path, err, sizeof(err)), 0);
		assert_int_equal(auth_setup_load(&setup, &cf, err,
		    sizeof(err)), 1);
		assert_non_null(strstr(setup.warning, "group or others may "
		    "read it (mode 644)"));
		auth_setup_free(&setup);
		config_free(&cf);
	}
	path = write_tmp("ok.conf", "dovecotauth=/run/dovecot/auth-client\n"
	    "authsenders=/s\n");
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), 0);
	assert_string_equal(cf.dovecotauth, "/run/dovecot/auth-client");
	assert_null(cf.authusers);
	config_free(&cf);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lib-auth-unit-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
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
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_users_errors),
		cmocka_unit_test(test_senders),
		cmocka_unit_test(test_dovecot_parser),
		cmocka_unit_test(test_dovecot_conversation),
		cmocka_unit_test(test_config_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
