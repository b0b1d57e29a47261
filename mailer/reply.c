/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "reply.h"

void
reply_init(struct reply_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static int
is_code(const char *s)
{
	return s[0] >= '2' && s[0] <= '5' && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]);
}

static void
add_text(struct reply *r, const char *text, size_t len)
{
	size_t	 room = sizeof(r->text) - r->textlen - 1;

	if (r->lines > 0 && room > 0) {
		r->text[r->textlen++] = '\n';
		room--;
	}
	if (len > room)
		len = room;
	memcpy(r->text + r->textlen, text, len);
	r->textlen += len;
	r->text[r->textlen] = '\0';
	r->lines++;
}

/*
 * One complete line (CR LF stripped).  Returns 1 when it ends the reply.
 * A line without a code ends the reply as a syntax error (code 0): the
 * server is confused and nothing it says next can be trusted.
 */
static int
take_line(struct reply_parser *p, const char *line, size_t len)
{
	int	 code, last;

	if (len < 3 || !is_code(line) || (len > 3 && line[3] != ' ' &&
	    line[3] != '-')) {
		p->cur.code = 0;
		add_text(&p->cur, line, len);
		return 1;
	}
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	last = (len == 3 || line[3] == ' ');
	if (p->cur.lines > 0 && code != p->cur.code) {
		p->cur.code = 0;	/* codes differ between lines */
		add_text(&p->cur, line, len);
		return 1;
	}
	p->cur.code = code;
	add_text(&p->cur, len > 4 ? line + 4 : "", len > 4 ? len - 4 : 0);
	return last;
}

int
reply_feed(struct reply_parser *p, const char *data, size_t len,
    size_t *used, struct reply *out)
{
	size_t	 i;
	size_t	 n;

	for (i = 0; i < len; i++) {
		char	 c = data[i];

		if (c != '\n') {
			if (p->linelen < sizeof(p->line) - 1)
				p->line[p->linelen++] = c;
			continue;
		}
		n = p->linelen;
		if (n > 0 && p->line[n - 1] == '\r')
			n--;
		p->linelen = 0;
		if (take_line(p, p->line, n)) {
			*out = p->cur;
			memset(&p->cur, 0, sizeof(p->cur));
			*used = i + 1;
			return 1;
		}
	}
	*used = len;
	return 0;
}

void
reply_summary(const struct reply *r, char *out, size_t outlen)
{
	size_t	 o;
	int	 code = r->code;

	if (outlen == 0)
		return;
	if (code == 0)
		code = 421;	/* what we make of a garbled reply */
	o = (size_t)snprintf(out, outlen, "%03d", code);
	if (r->code == 0 && o + 1 < outlen)
		o += strlcpy(out + o, " 4.5.0 garbled reply:", outlen - o);
	for (size_t i = 0; i < r->textlen && o + 1 < outlen; i++) {
		unsigned char	 c = (unsigned char)r->text[i];

		if (i == 0 || c == '\n') {
			out[o++] = ' ';
			if (c == '\n')
				continue;
			if (o + 1 >= outlen)
				break;
		}
		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (o >= outlen)
		o = outlen - 1;
	out[o] = '\0';
}

void
reply_enhanced(const struct reply *r, char *out, size_t outlen)
{
	const char	*t = r->text;
	size_t		 n = 0;

	/* class "." subject "." detail, RFC 3463: 1 digit, 1-3, 1-3 */
	if ((t[0] == '2' || t[0] == '4' || t[0] == '5') && t[1] == '.') {
		n = 2;
		while (n < 5 && isdigit((unsigned char)t[n]))
			n++;
		if (n > 2 && t[n] == '.') {
			size_t	 d = ++n;

			while (n < d + 3 && isdigit((unsigned char)t[n]))
				n++;
			if (n == d || (t[n] != '\0' && t[n] != ' ' &&
			    t[n] != '\n'))
				n = 0;
		} else
			n = 0;
	}
	if (n >= outlen)
		n = 0;
	memcpy(out, t, n);
	out[n] = '\0';
}
