/* Events go to syslog (LOG_MAIL), or to a file when logfile= is set. */
#ifndef SMTPGATE_LOG_H
#define SMTPGATE_LOG_H

#include <syslog.h>

/* logfile NULL: syslog.  A file that cannot be opened falls back to syslog. */
void	log_open(const char *prog, const char *logfile);
void	log_event(int priority, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_info(...)	log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...)	log_event(LOG_WARNING, __VA_ARGS__)
#define log_error(...)	log_event(LOG_ERR, __VA_ARGS__)

#endif
