/* SPDX-License-Identifier: ISC */
/*
 * sendmail mode's reading of a message from a script (mailer/headers.c,
 * with -t the address lists of addrlist.c), the spool writer replaced by
 * memory.  Besides the sanitizers it checks what lands in the spool and
 * what becomes an envelope recipient:
 *   - no CR in the text (line ends are stored as LF), the header section
 *     without Bcc: and with From:, Date: and Message-ID:;
 *   - every -t recipient non-empty, without CR or LF (it becomes an
 *     envelope line; other bytes are submit.c's to judge).
 * Input: byte 0 flags (bit 0 -i off: "." ends, bit 1 -t, bit 2 a small
 * maxsize), then the message as a script writes it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "../../mailer/headers.h"

static int	rcpts;

static int
add_rcpt(const char *addr, void *arg)
{
	(void)arg;
	if (addr[0] == '\0')
		fuzz_fail("-t recipient", "empty");
	for (const char *p = addr; *p; p++)
		if (*p == '\r' || *p == '\n')
			fuzz_fail("-t recipient has a line break", addr);
	return ++rcpts > 1000 ? -1 : 0;
}

static int
has_field(const char *head, size_t len, const char *name)
{
	size_t	 n = strlen(name), at = 0;

	while (at < len) {
		const char *line = head + at, *lf = memchr(line, '\n', len - at);

		size_t	 i = n;

		/* "Name:", or "Name :" (obsolete syntax, RFC 5322 4.5) */
		if (len - at > n && strncasecmp(line, name, n) == 0) {
			while (at + i < len && (line[i] == ' ' || line[i] == '\t'))
				i++;
			if (at + i < len && line[i] == ':')
				return 1;
		}
		if (lf == NULL)
			break;
		at += (size_t)(lf - line) + 1;
	}
	return 0;
}

static void
check_text(const struct buf *text)
{
	size_t		 headlen;

	if (text->len == 0)
		fuzz_fail("spooled text", "empty");
	if (memchr(text->data, '\r', text->len) != NULL)
		fuzz_fail("spooled text", "has a CR");
	for (headlen = 0; headlen < text->len; headlen++)
		if (text->data[headlen] == '\n' && (headlen == 0 ||
		    text->data[headlen - 1] == '\n'))
			break;
	if (has_field(text->data, headlen, "Bcc"))
		fuzz_fail("spooled header", "Bcc: kept");
	if (!has_field(text->data, headlen, "From") ||
	    !has_field(text->data, headlen, "Date") ||
	    !has_field(text->data, headlen, "Message-ID"))
		fuzz_fail("spooled header", "From:, Date: or Message-ID: missing");
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spool_msg	 msg;
	struct header_opts	 o;
	char			 err[512];
	int			 data_error, rc;
	FILE			*in;

	if (size < 1)
		return 0;
	fuzz_spool_reset();
	memset(&o, 0, sizeof(o));
	o.dot_ends = data[0] & 1;
	o.extract = data[0] >> 1 & 1;
	o.maxsize = data[0] & 4 ? 1024 : 0;
	o.from = "Ann User <ann@example.test>";
	o.received = "Received: (from ann, uid 1000)\n\tby gw.example.test "
	    "(smtpgate); Sat, 5 Dec 2026 04:00:00 +0000\n";
	o.hostname = "gw.example.test";
	o.id = 42;
	o.now = 1796443200;
	o.add_rcpt = add_rcpt;
	rcpts = 0;
	/* an empty message is a 0-byte stream: fmemopen wants a size */
	if ((in = size > 1 ? fmemopen((void *)(data + 1), size - 1, "r") :
	    fopen("/dev/null", "r")) == NULL)
		return 0;
	if (spool_open(&msg, "spool", err, sizeof(err)) != 0)
		fuzz_fail("spool_open", err);
	rc = message_copy(in, &msg, &o, err, sizeof(err), &data_error);
	fclose(in);
	if (rc == 0)
		check_text(&fuzz_spool.text);
	else if (err[0] == '\0')
		fuzz_fail("message_copy", "failed without saying why");
	spool_abort(&msg);
	return 0;
}
