/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "buf.h"
#include "denied.h"
#include "log.h"
#include "visible.h"

#define LOG_LINE_MAX	2200	/* one write(): lines of many processes whole */

static char	log_prog[32] = "smtpgate";
static int	log_fd = -1;
static char	log_problem[256];

/*
 * Is the file open on fd one an event may be appended to?  Its name had
 * no symbolic link at the end (O_NOFOLLOW); a second link could be a
 * planted hard link to another file, and a FIFO or device is no log.
 * Someone besides the owner able to write it could also have put it there.
 */
static const char *
unfit_log(int fd)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_nlink != 1)
		return "has more than one link";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by others than its owner";
	return NULL;
}

/*
 * Why the gateway's user may not open logfile: the file (made by root
 * when root ran a program by hand, say) or, when there is none, its
 * directory, with whose it is and whose it must be.
 */
static void
explain_denied(const char *logfile, char *why, size_t whylen)
{
	char		 dir[1024], need[256], *slash;
	struct stat	 st;
	int		 n;

	strlcpy(dir, logfile, sizeof(dir));
	if (stat(logfile, &st) == -1) {
		if ((slash = strrchr(dir, '/')) == NULL)
			strlcpy(dir, ".", sizeof(dir));
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		denied_explain(dir, NULL, need, sizeof(need));
		n = snprintf(why, whylen, "%s: directory %s %s",
		    strerror(EACCES), dir, need);
	} else {
		denied_explain(logfile, NULL, need, sizeof(need));
		n = snprintf(why, whylen, "%s: %s", strerror(EACCES), need);
	}
	if (n < 0 || (size_t)n >= whylen)	/* cut: the start says enough */
		why[whylen - 1] = '\0';
}

/*
 * Opens logfile to append.  Root only appends to a file that exists:
 * creating it would create whatever a planted name points at, and the
 * file is the gateway's user's to create after root is given up.
 */
static int
open_log(const char *logfile, char *why, size_t whylen)
{
	int		 flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY |
			    O_NOFOLLOW | O_NONBLOCK;	/* a FIFO must not block */
	int		 fd;
	const char	*unfit;

	if (geteuid() != 0)
		flags |= O_CREAT;
	if ((fd = open(logfile, flags, 0640)) == -1) {
		if (errno == ELOOP)
			strlcpy(why, "a symbolic link, not followed", whylen);
		else if (errno == EACCES)
			explain_denied(logfile, why, whylen);
		else if (errno == ENOENT && geteuid() == 0)
			strlcpy(why, "does not exist, and root does not create "
			    "it", whylen);
		else
			strlcpy(why, strerror(errno), whylen);
		return -1;
	}
	if ((unfit = unfit_log(fd)) != NULL) {
		strlcpy(why, unfit, whylen);
		close(fd);
		return -1;
	}
	return fd;
}

void
log_open(const char *prog, const char *logfile)
{
	strlcpy(log_prog, prog, sizeof(log_prog));
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	log_problem[0] = '\0';
	if (logfile != NULL)
		log_fd = open_log(logfile, log_problem, sizeof(log_problem));
	if (log_fd != -1)
		return;
	openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_MAIL);
	if (log_problem[0] != '\0')
		syslog(LOG_ERR, "logfile %s: not used: %s; logging to syslog",
		    logfile, log_problem);
}

const char *
log_file_problem(void)
{
	return log_problem[0] != '\0' ? log_problem : NULL;
}

/* The line of one event: a remote party's text cannot forge a line or
 * reach the terminal of whoever reads the log with control characters. */
static int
format_line(struct buf *line, const char *text)
{
	char		 stamp[32];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (buf_printf(line, "%s %s[%ld]: ", stamp, log_prog,
	    (long)getpid()) != 0 ||
	    visible_append(line, text, strlen(text), 0) != 0)
		return -1;
	if (line->len > LOG_LINE_MAX - 1) {
		line->len = LOG_LINE_MAX - 1;
		/* cut before a character, not inside its UTF-8 bytes */
		while (line->len > 0 &&
		    (line->data[line->len] & 0xc0) == 0x80)
			line->len--;
	}
	return buf_append(line, "\n", 1);
}

void
log_event(int priority, const char *fmt, ...)
{
	char		 text[2048];
	struct buf	 line = { NULL, 0, 0 };
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (log_fd == -1) {
		if (visible_append(&line, text, strlen(text), 0) == 0)
			syslog(priority, "%s", line.data);
		else
			syslog(priority, "%s", text);
	} else if (format_line(&line, text) == 0)
		(void)!write(log_fd, line.data, line.len);
	buf_free(&line);
}
