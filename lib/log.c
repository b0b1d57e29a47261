#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "log.h"

static char	log_prog[32] = "smtpgate";
static int	log_fd = -1;

void
log_open(const char *prog, const char *logfile)
{
	strlcpy(log_prog, prog, sizeof(log_prog));
	if (logfile != NULL)
		log_fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640);
	if (log_fd == -1)
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_event(int priority, const char *fmt, ...)
{
	char		 text[2048], line[2200], stamp[32];
	va_list		 ap;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 len;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (log_fd == -1) {
		syslog(priority, "%s", text);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = snprintf(line, sizeof(line), "%s %s[%ld]: %s\n", stamp,
	    log_prog, (long)getpid(), text);
	if (len > (int)sizeof(line) - 1) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	/* One write() per line: O_APPEND keeps lines of many processes whole. */
	(void)!write(log_fd, line, (size_t)len);
}
