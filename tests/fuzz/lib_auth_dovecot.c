/* SPDX-License-Identifier: ISC */
/*
 * What smtpd reads from others during AUTH: Dovecot's replies on its
 * auth socket (lib/auth_dovecot.c), fed line by line to the parser,
 * and the client's base64 (lib/auth_base64.c).  Besides the sanitizers
 * it checks that:
 *   - an OK is taken only after a whole handshake that offered PLAIN,
 *     and its user= name holds no control character;
 *   - nothing is taken after the answer;
 *   - base64 that decodes encodes back to the very same text (the
 *     decoder is strict: one text per octet string).
 */
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "auth_base64.h"
#include "auth_dovecot.h"

static void
check_base64(const char *text, size_t len)
{
	unsigned char	 dec[B64_DECODED_MAX(4096) + 3];
	char		 enc[B64_ENCODED_LEN(sizeof(dec))];
	ssize_t		 n;

	if (len > 4096)
		len = 4096;
	if ((n = b64_decode(text, len, dec, sizeof(dec))) < 0)
		return;
	if (b64_encode(dec, (size_t)n, enc, sizeof(enc)) != 0 ||
	    strlen(enc) != len || memcmp(enc, text, len) != 0)
		fuzz_fail("base64", "decoded text does not encode back");
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dovecot_conv	 c;
	const char		*p = (const char *)data, *end = p + size, *lf;
	enum dovecot_step	 step = DV_MORE;
	char			 line[1200];
	int			 done = 0;

	check_base64(p, size);
	dovecot_start(&c, 1);
	while (p < end && step != DV_ERROR) {
		lf = memchr(p, '\n', (size_t)(end - p));
		step = dovecot_reply(&c, p, (size_t)((lf ? lf : end) - p));
		if (step == DV_HANDSHAKE_DONE) {
			if (!c.has_plain || done)
				fuzz_fail("dovecot", "handshake done twice or "
				    "without PLAIN");
			done = 1;
			if (dovecot_auth_line(&c, "alice", "secret",
			    "192.0.2.7", line, sizeof(line)) != 0)
				fuzz_fail("dovecot", "AUTH line does not fit");
		}
		if ((step == DV_OK || step == DV_FAIL || step == DV_TEMPFAIL) &&
		    !done)
			fuzz_fail("dovecot", "an answer before the handshake");
		for (const char *u = c.user; *u; u++)
			if ((unsigned char)*u < 0x20 || *u == 0x7f)
				fuzz_fail("dovecot", "control in user=");
		if (step == DV_OK || step == DV_FAIL || step == DV_TEMPFAIL)
			done = 2;
		else if (done == 2 && step != DV_ERROR)
			fuzz_fail("dovecot", "a line taken after the answer");
		p = lf ? lf + 1 : end;
	}
	return 0;
}
