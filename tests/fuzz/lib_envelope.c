/* SPDX-License-Identifier: ISC */
/*
 * The WRK/TXT envelope reader (lib/envelope_parse.c) and the recipient
 * state lines (lib/queue.c) fed a file's text.  Besides the sanitizers it
 * checks that what the reader accepts, written back as spoolmgr rewrites
 * it, reads back to the same text (a rewrite must never lose or change
 * a line), and that a recipient's state written reads back the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "queue.h"

static void
check_state(struct envelope *env, size_t i)
{
	struct rcpt_status	 st, back;

	queue_get_state(env, env->rcpts[i].addr, &st);
	if ((unsigned)st.state > RCPT_BOUNCED)
		fuzz_fail("state", "out of range");
	if (queue_set_state(env, env->rcpts[i].addr, &st) != 0)
		return;
	queue_get_state(env, env->rcpts[i].addr, &back);
	/* the line holds at most 1023 octets: a long reply is cut */
	if (back.state != st.state || back.last != st.last ||
	    back.tries != st.tries || back.next != st.next ||
	    strncmp(back.reply, st.reply, strlen(back.reply)) != 0)
		fuzz_fail("state reads back different", env->rcpts[i].addr);
}

/*
 * smtpd and mailer never write a recipient twice; Notify and ORcpt lines
 * name a recipient by address, so a hand-made WRK that lists one twice
 * cannot say whose they are.  Such a file is read, not compared.
 */
static int
has_twice(const struct envelope *env)
{
	for (size_t i = 0; i < env->nrcpts; i++)
		for (size_t j = i + 1; j < env->nrcpts; j++)
			if (strcmp(env->rcpts[i].addr, env->rcpts[j].addr) == 0)
				return 1;
	return 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope	 env, back;
	char		 err[256], *text, *again;
	size_t		 len, len2;

	if (envelope_parse(&env, (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0')
			fuzz_fail("envelope_parse", "failed without saying why");
		return 0;
	}
	/* envelope_format writes a CR as a space: a file with a CR is not
	 * one of ours, and reads back changed by design */
	if (env.nrcpts > 200 || has_twice(&env) ||
	    memchr(data, '\r', size) != NULL) {
		envelope_free(&env);
		return 0;
	}
	if ((text = envelope_format(&env, &len)) == NULL)
		fuzz_fail("envelope_format", "out of memory");
	if (envelope_parse(&back, text, len, err, sizeof(err)) != 0)
		fuzz_fail("a rewritten envelope does not read back", err);
	if ((again = envelope_format(&back, &len2)) == NULL)
		fuzz_fail("envelope_format", "out of memory");
	if (len != len2 || memcmp(text, again, len) != 0) {
		fprintf(stderr, "written:\n%s\nread back and written:\n%s\n",
		    text, again);
		fuzz_fail("a rewritten envelope reads back different", "");
	}
	for (size_t i = 0; i < env.nrcpts && i < 64; i++)
		check_state(&env, i);
	free(text);
	free(again);
	envelope_free(&back);
	envelope_free(&env);
	return 0;
}
