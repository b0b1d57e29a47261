/* SPDX-License-Identifier: ISC */
/*
 * mailer's SMTP reply parser fed a server's bytes in reads of a size the
 * input chooses.  Besides the sanitizers it checks what the client
 * engine and spoolmgr are given: a reply code 0 or 200-599, and a
 * summary of one line without control bytes, shorter than its buffer;
 * an enhanced status code "C.S.D" or nothing.
 * Input: byte 0 the read size (1 << (b & 7), 0: all), then the server.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "../../mailer/reply.h"

static void
check_reply(const struct reply *r)
{
	char	 summary[512], esc[32];
	size_t	 i, len;

	if (r->code != 0 && (r->code < 200 || r->code > 599))
		fuzz_fail("reply", "code out of range");
	if (r->textlen >= sizeof(r->text) || r->text[r->textlen] != '\0')
		fuzz_fail("reply", "text not terminated");
	reply_summary(r, summary, sizeof(summary));
	len = strlen(summary);
	if (len >= sizeof(summary))
		fuzz_fail("summary", "too long");
	for (i = 0; i < len; i++)
		if ((unsigned char)summary[i] < 0x20 || summary[i] == 0x7f)
			fuzz_fail("summary has a control byte", summary);
	reply_enhanced(r, esc, sizeof(esc));
	if (esc[0] != '\0' && (strchr("245", esc[0]) == NULL ||
	    esc[1] != '.' || !isdigit((unsigned char)esc[2])))
		fuzz_fail("enhanced status", esc);
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply_parser	 p;
	static struct reply	 r;
	const char		*in = (const char *)data + 1;
	size_t			 len, off = 0, n, step, used;

	if (size < 1)
		return 0;
	len = size - 1;
	step = data[0] == 0 ? len : (size_t)1 << (data[0] & 7);
	reply_init(&p);
	while (off < len) {
		n = len - off < step ? len - off : step;
		while (n > 0) {
			int whole = reply_feed(&p, in + off, n, &used, &r);

			if (used > n || (whole && used == 0))
				fuzz_fail("reply_feed", "used a wrong count");
			off += used;
			n -= used;
			if (!whole) {
				if (n != 0)
					fuzz_fail("reply_feed", "kept bytes back");
				break;
			}
			check_reply(&r);
		}
	}
	return 0;
}
