/* SPDX-License-Identifier: ISC */
/*
 * mailer's SMTP client engine fed a server's replies, as deliver.c feeds
 * it: in reads of a size the input chooses, the body "sent" when asked,
 * a TLS handshake "done" when asked, the connection lost when the input
 * ends.  Besides the sanitizers it checks what spoolmgr will read from
 * mailer's report and what goes on the wire:
 *   - every recipient ends with a result and a one-line reply "DDD ..."
 *     with no control bytes (spoolmgr parses the report by lines);
 *   - every command sent is CRLF-terminated with no other CR, LF or NUL.
 * Input: byte 0 flags (bit 0 AUTH, bit 1 STARTTLS wanted, bit 2 8-bit
 * body, bit 3 SMTPUTF8, bits 4-6 read size), byte 1 the number of
 * recipients (1-150: more than one pipelined group), then the server.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../mailer/client.h"

static const char *const addrs[] = {
	"bob@remote.test", "ann@remote.test", "jö@remote.test",
	"\"a b\"@remote.test", "sales+eu@remote.test"
};

static void
check_commands(struct buf *out)
{
	size_t	 i;

	for (i = 0; i < out->len; i++) {
		if (out->data[i] == '\0')
			fuzz_fail("command", "has a NUL");
		if (out->data[i] == '\r' && (i + 1 == out->len ||
		    out->data[i + 1] != '\n'))
			fuzz_fail("command", "bare CR");
		if (out->data[i] == '\n' && (i == 0 || out->data[i - 1] != '\r'))
			fuzz_fail("command", "bare LF");
	}
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		fuzz_fail("command", "does not end in CRLF");
	buf_consume(out, out->len);
}

static void
check_results(const struct client_msg *msg)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		const struct client_rcpt *r = &msg->rcpts[i];

		if (r->result == RESULT_PENDING)
			continue;	/* a session that ended before RCPT */
		if (r->reply[0] < '2' || r->reply[0] > '5')
			fuzz_fail("result", r->reply);
		for (const char *p = r->reply; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fuzz_fail("result has a control byte", r->reply);
		if (r->result == RESULT_OK && r->reply[0] != '2')
			fuzz_fail("delivered with a non-2xx reply", r->reply);
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client		 c;
	struct client_msg	 msg;
	struct client_rcpt	*rcpts;
	enum client_next	 next = CLIENT_READ;
	const char		*in = (const char *)data + 2;
	size_t			 len, off = 0, n, step, i;

	if (size < 2)
		return 0;
	len = size - 2;
	step = (size_t)1 << (data[0] >> 4 & 7);
	memset(&msg, 0, sizeof(msg));
	msg.nrcpts = data[1] % 150 + 1;
	if ((rcpts = calloc(msg.nrcpts, sizeof(*rcpts))) == NULL)
		return 0;
	for (i = 0; i < msg.nrcpts; i++) {
		rcpts[i].addr = addrs[i % 5];
		rcpts[i].utf8 = client_is_utf8(rcpts[i].addr);
		rcpts[i].notify = i % 3 == 1 ? "SUCCESS,FAILURE" :
		    i % 3 == 2 ? "NEVER" : NULL;
		rcpts[i].orcpt = i % 2 ? "rfc822;Bob+2Bx@remote.test" : NULL;
	}
	msg.sender = data[1] & 1 ? "" : "ann@example.test";
	msg.ret = data[1] & 2 ? "HDRS" : NULL;
	msg.envid = data[1] & 4 ? "QQ+2B1" : NULL;
	msg.size = data[1] & 8 ? -1 : 5000;
	msg.eightbit = data[0] >> 2 & 1;
	msg.smtputf8 = data[0] >> 3 & 1;
	msg.rcpts = rcpts;
	if (client_init(&c, "gw.example.test", &msg) != 0) {
		free(rcpts);
		return 0;
	}
	if (data[0] & 1)
		client_set_auth(&c, "user", "secret");
	c.want_tls = data[0] >> 1 & 1;
	while (next != CLIENT_CLOSE) {
		check_commands(&c.out);
		if (next == CLIENT_START_TLS) {
			next = client_tls_started(&c);
			continue;
		}
		if (next == CLIENT_SEND_BODY) {
			next = client_body_sent(&c);
			continue;
		}
		if (off == len) {
			if (c.state != CS_QUIT)
				client_lost(&c, "421 4.4.2 connection lost");
			break;
		}
		n = len - off < step ? len - off : step;
		next = client_input(&c, in + off, n);
		off += n;
	}
	check_commands(&c.out);
	check_results(&msg);
	client_free(&c);
	free(rcpts);
	return 0;
}
