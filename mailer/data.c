/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "data.h"

void
data_init(struct data_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->in_header = 1;
}

static int
end_line(struct data_filter *f, struct buf *out)
{
	if (f->linelen == 0)
		f->in_header = 0;	/* the empty line ends the header */
	f->linelen = 0;
	f->octets += 2;
	return buf_append(out, "\r\n", 2);
}

/* Breaks a line that reached the limit; a header field stays folded. */
static int
break_line(struct data_filter *f, struct buf *out)
{
	f->linelen = 0;
	if (f->in_header) {
		f->linelen = 1;
		f->octets += 3;
		return buf_append(out, "\r\n ", 3);
	}
	f->octets += 2;
	return buf_append(out, "\r\n", 2);
}

static int
put_byte(struct data_filter *f, char c, struct buf *out)
{
	if (f->linelen >= DATA_LINE_MAX && break_line(f, out) == -1)
		return -1;
	if (f->linelen == 0 && c == '.' && buf_append(out, ".", 1) == -1)
		return -1;
	if ((unsigned char)c >= 0x80)
		f->eightbit = 1;
	f->linelen++;
	f->octets++;
	return buf_append(out, &c, 1);
}

int
data_feed(struct data_filter *f, const char *in, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		char	 c = in[i];

		if (f->pending_cr) {
			/* CR LF, or a lone CR: either way one line end */
			f->pending_cr = 0;
			if (end_line(f, out) == -1)
				return -1;
			if (c == '\n')
				continue;
		}
		if (c == '\r')
			f->pending_cr = 1;
		else if (c == '\n') {
			if (end_line(f, out) == -1)
				return -1;
		} else if (put_byte(f, c, out) == -1)
			return -1;
	}
	return 0;
}

int
data_finish(struct data_filter *f, struct buf *out)
{
	if (f->pending_cr || f->linelen > 0) {
		f->pending_cr = 0;
		return end_line(f, out);
	}
	return 0;
}
