/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "log.h"

static void
reply_va(struct session *s, int code, const char *esc, const char *fmt,
    va_list ap)
{
	char	 text[REPLY_LINE_MAX];
	size_t	 room;

	vsnprintf(text, sizeof(text), fmt, ap);
	/* RFC 5321 4.5.3.1.5: the whole line, code and CRLF, in 512 octets;
	 * client text quoted in a reply may have to be cut. */
	room = REPLY_LINE_MAX - strlen("NNN \r\n") -
	    (esc ? strlen(esc) + 1 : 0);
	if (strlen(text) > room)
		text[room] = '\0';
	/* No CR or LF from a client's text may break the reply line. */
	for (char *p = text; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	if (esc)
		buf_printf(s->out, "%03d %s %s\r\n", code, esc, text);
	else
		buf_printf(s->out, "%03d %s\r\n", code, text);
}

void
reply(struct session *s, int code, const char *esc, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	reply_va(s, code, esc, fmt, ap);
	va_end(ap);
}

void
reply_error(struct session *s, int code, const char *esc, const char *fmt,
    ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	reply_va(s, code, esc, fmt, ap);
	va_end(ap);
	s->errors++;
}

void
reply_line(struct session *s, int code, int last, const char *text)
{
	buf_printf(s->out, "%03d%c%s\r\n", code, last ? ' ' : '-', text);
}

void
reply_close(struct session *s, const char *esc, const char *why)
{
	reply(s, 421, esc, "%s %s, closing connection", s->cf->hostname, why);
	log_info("closing the session with %s: %s", s->client, why);
	transaction_reset(s);
	set_state(s, S_CLOSED);
	s->dropped = 1;
}
