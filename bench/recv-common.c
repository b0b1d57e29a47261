/* SPDX-License-Identifier: ISC */
/*
 * The minimal SMTP receiver's session (see recv.h).  It answers every
 * command with the reply a willing server gives and keeps no state beyond
 * the envelope of the current message: what it costs is the floor of the
 * protocol and disk work, against which smtpd's own is measured.
 */
#include "recv.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 1024
#define ENVELOPE_BYTES 8192

static void
reply(const char *text)
{
	fputs(text, stdout);
	fflush(stdout);
}

/* A name no other receiver picks: the time, the pid and a counter. */
static void
unique_name(char *name, size_t size, unsigned serial)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, size, "%lld.%09ld.%ld.%u", (long long)ts.tv_sec,
	    ts.tv_nsec, (long)getpid(), serial);
}

/* Writes LEN bytes to FD and syncs it; 0 on success. */
static int
write_synced(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return fsync(fd);
}

/* Reads the text up to the lone dot into TMPNAME; 0 when it is all there. */
static int
receive_text(const char *tmpname)
{
	char line[LINE_MAX_BYTES], buf[65536];
	size_t used = 0;
	int fd, rc = -1;

	fd = open(tmpname, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0)
		return -1;
	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t len = strlen(line);
		const char *p = line;
		if (strcmp(line, ".\r\n") == 0 || strcmp(line, ".\n") == 0) {
			rc = write_synced(fd, buf, used);
			break;
		}
		if (line[0] == '.') {
			p++;
			len--;
		}
		if (used + len > sizeof buf) {
			if (write(fd, buf, used) != (ssize_t)used)
				break;
			used = 0;
		}
		memcpy(buf + used, p, len);
		used += len;
	}
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* Writes the envelope, renames text and envelope into place, syncs ".". */
static int
commit_message(const char *base, const char *envelope, size_t envlen)
{
	char tmp[256], env[256], msg[256], envtmp[256];
	int fd, rc;

	snprintf(tmp, sizeof tmp, "%s.tmp", base);
	snprintf(msg, sizeof msg, "%s.msg", base);
	snprintf(envtmp, sizeof envtmp, "%s.etmp", base);
	snprintf(env, sizeof env, "%s.env", base);
	fd = open(envtmp, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0)
		return -1;
	rc = write_synced(fd, envelope, envlen);
	if (close(fd) != 0 || rc != 0)
		return -1;
	if (rename(tmp, msg) != 0 || rename(envtmp, env) != 0)
		return -1;
	fd = open(".", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
recv_session(void)
{
	char line[LINE_MAX_BYTES], envelope[ENVELOPE_BYTES], base[128];
	char tmp[256];
	size_t envlen = 0;
	unsigned serial = 0;

	reply("220 recv ESMTP\r\n");
	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t len = strlen(line);
		if (strncasecmp(line, "MAIL", 4) == 0 ||
		    strncasecmp(line, "RCPT", 4) == 0) {
			if (strncasecmp(line, "MAIL", 4) == 0)
				envlen = 0;
			if (envlen + len < sizeof envelope) {
				memcpy(envelope + envlen, line, len);
				envlen += len;
			}
			reply("250 ok\r\n");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			unique_name(base, sizeof base, serial++);
			snprintf(tmp, sizeof tmp, "%s.tmp", base);
			reply("354 go ahead\r\n");
			if (receive_text(tmp) != 0 ||
			    commit_message(base, envelope, envlen) != 0) {
				reply("451 not stored\r\n");
				unlink(tmp);
				return 1;
			}
			reply("250 stored\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			reply("221 bye\r\n");
			return 0;
		} else if (strncasecmp(line, "HELO", 4) == 0 ||
		    strncasecmp(line, "EHLO", 4) == 0 ||
		    strncasecmp(line, "RSET", 4) == 0 ||
		    strncasecmp(line, "NOOP", 4) == 0) {
			reply("250 recv\r\n");
		} else {
			reply("502 not here\r\n");
		}
	}
	return 0;
}
