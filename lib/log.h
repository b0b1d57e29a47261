/* SPDX-License-Identifier: ISC */
/* Events go to syslog (LOG_MAIL), or to a file when logfile= is set. */
#ifndef SMTPGATE_LOG_H
#define SMTPGATE_LOG_H

#include <syslog.h>

/*
 * logfile NULL: syslog.  A log file must be a regular file with one link,
 * named without a symbolic link at its end, that nobody but its owner may
 * write; root never creates it (open it again after giving up root, so
 * that the gateway's user does).  A file that cannot be used is said so
 * on syslog, log_file_problem() tells why, and the events go to syslog.
 * May be called again: the earlier file is closed.
 */
void	log_open(const char *prog, const char *logfile);
/* Why the file given to log_open is not used; NULL when it is, or none. */
const char *log_file_problem(void);
void	log_event(int priority, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_info(...)	log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...)	log_event(LOG_WARNING, __VA_ARGS__)
#define log_error(...)	log_event(LOG_ERR, __VA_ARGS__)

#endif
