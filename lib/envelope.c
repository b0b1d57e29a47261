/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "buf.h"
#include "envelope.h"

void
envelope_init(struct envelope *env)
{
	memset(env, 0, sizeof(*env));
	env->size = -1;
}

void
envelope_free(struct envelope *env)
{
	for (size_t i = 0; i < env->nrcpts; i++) {
		free(env->rcpts[i].addr);
		free(env->rcpts[i].notify);
		free(env->rcpts[i].orcpt);
	}
	for (size_t i = 0; i < env->nextra; i++) {
		free(env->extra[i].key);
		free(env->extra[i].value);
	}
	free(env->rcpts);
	free(env->extra);
	free(env->sender);
	free(env->client);
	free(env->helo);
	free(env->body);
	free(env->ret);
	free(env->envid);
	envelope_index_free(env);
	envelope_init(env);
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int
envelope_add_rcpt(struct envelope *env, const char *addr, const char *notify,
    const char *orcpt)
{
	struct recipient	*grown, *r;

	grown = reallocarray(env->rcpts, env->nrcpts + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	env->rcpts = grown;
	r = &grown[env->nrcpts];
	r->addr = strdup(addr);
	r->notify = dup_or_null(notify);
	r->orcpt = dup_or_null(orcpt);
	if (r->addr == NULL || (notify && !r->notify) || (orcpt && !r->orcpt)) {
		free(r->addr);
		free(r->notify);
		free(r->orcpt);
		return -1;
	}
	envelope_index_rcpt(env, env->nrcpts++);
	return 0;
}

int
envelope_add_extra(struct envelope *env, const char *key, const char *value)
{
	struct extra_line	*grown;

	grown = reallocarray(env->extra, env->nextra + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	env->extra = grown;
	grown[env->nextra].key = strdup(key);
	grown[env->nextra].value = strdup(value);
	if (!grown[env->nextra].key || !grown[env->nextra].value) {
		free(grown[env->nextra].key);
		free(grown[env->nextra].value);
		return -1;
	}
	envelope_index_line(env, env->nextra++);
	return 0;
}

/* A growing envelope text; after a failure it keeps failing. */
struct env_text {
	struct buf	 b;
	int		 oom;
};

static void
text_add(struct env_text *t, const char *key, const char *fmt,
    const char *value)
{
	size_t	 start = t->b.len;

	if (t->oom || buf_printf(&t->b, fmt, key, value) == -1) {
		t->oom = 1;
		return;
	}
	/* A CR or LF in a value would forge an envelope line. */
	for (size_t i = start; i + 1 < t->b.len; i++)
		if (t->b.data[i] == '\r' || t->b.data[i] == '\n')
			t->b.data[i] = ' ';
}

char *
envelope_format(const struct envelope *env, size_t *len)
{
	struct env_text	 t = { { NULL, 0, 0 }, 0 };
	char		 num[32];

	text_add(&t, "From", "%s: <%s>\n", env->sender ? env->sender : "");
	for (size_t i = 0; i < env->nrcpts; i++)
		text_add(&t, "To", "%s: <%s>\n", env->rcpts[i].addr);
	if (env->id != 0) {
		snprintf(num, sizeof(num), "%lu", (unsigned long)env->id);
		text_add(&t, "Id", "%s: %s\n", num);
	}
	if (env->date != 0) {
		snprintf(num, sizeof(num), "%lld", (long long)env->date);
		text_add(&t, "Date", "%s: %s\n", num);
	}
	if (env->client)
		text_add(&t, "Client", "%s: %s\n", env->client);
	if (env->helo)
		text_add(&t, "Helo", "%s: %s\n", env->helo);
	if (env->size >= 0) {
		snprintf(num, sizeof(num), "%lld", env->size);
		text_add(&t, "Size", "%s: %s\n", num);
	}
	if (env->body)
		text_add(&t, "Body", "%s: %s\n", env->body);
	if (env->ret)
		text_add(&t, "Ret", "%s: %s\n", env->ret);
	if (env->envid)
		text_add(&t, "Envid", "%s: %s\n", env->envid);
	if (env->smtputf8)
		text_add(&t, "Smtputf8", "%s: %s\n", "yes");
	for (size_t i = 0; i < env->nrcpts; i++) {
		char	 value[1024];
		const struct recipient *r = &env->rcpts[i];

		if (r->notify) {
			snprintf(value, sizeof(value), "<%s> %s", r->addr, r->notify);
			text_add(&t, "Notify", "%s: %s\n", value);
		}
		if (r->orcpt) {
			snprintf(value, sizeof(value), "<%s> %s", r->addr, r->orcpt);
			text_add(&t, "ORcpt", "%s: %s\n", value);
		}
	}
	for (size_t i = 0; i < env->nextra; i++)
		text_add(&t, env->extra[i].key, "%s: %s\n", env->extra[i].value);
	if (t.oom) {
		buf_free(&t.b);
		return NULL;
	}
	*len = t.b.len;
	return t.b.data;
}
