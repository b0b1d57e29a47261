/* SPDX-License-Identifier: ISC */
/*
 * Reading a job's report (child.c writes it): one "KEY VALUE" line each.
 * Much of it is a remote server's text passed on by mailer, so every
 * value is taken from its own line only, up to that line's end, and its
 * control bytes are replaced: no recipient's reply can carry another's,
 * nor a CR or a line break into the WRK, the journal, the log or a DSN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "spoolmgr.h"

/* A line of the report, without its newline. */
struct line {
	const char	*text;
	size_t		 len;
};

/*
 * The line after *at (from the start when at->text is NULL); 0 at the
 * end.  The report is taken by its length: a NUL in it ends nothing.
 */
static int
next_line(const struct buf *out, struct line *at)
{
	const char	*end = out->data + out->len, *p, *nl;

	if (out->data == NULL)
		return 0;
	p = at->text == NULL ? out->data : at->text + at->len + 1;
	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	at->text = p;
	at->len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return 1;
}

/* 1 when the line is "KEY VALUE"; *value is then what follows the space. */
static int
line_is(const struct line *l, const char *key, struct line *value)
{
	size_t	 klen = strlen(key);

	if (l->len <= klen || memcmp(l->text, key, klen) != 0 ||
	    l->text[klen] != ' ')
		return 0;
	value->text = l->text + klen + 1;
	value->len = l->len - klen - 1;
	return 1;
}

/* The first value of key; 0 when the report has none. */
static int
find_value(const struct buf *out, const char *key, struct line *value)
{
	struct line	 l = { NULL, 0 };

	while (next_line(out, &l))
		if (line_is(&l, key, value))
			return 1;
	return 0;
}

/*
 * Copies one value as printable text: control bytes (CR, TAB, ESC, NUL
 * ...) become '?', as mailer makes them of a server's reply; trailing
 * blanks and CRs go.
 */
static void
copy_value(char *dst, size_t dstlen, const struct line *v)
{
	size_t	 n = v->len, o = 0;

	while (n > 0 && (v->text[n - 1] == '\r' || v->text[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n && o + 1 < dstlen; i++) {
		unsigned char	 c = (unsigned char)v->text[i];

		dst[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (dstlen > 0)
		dst[o] = '\0';
}

void
report_copy_text(char *dst, size_t dstlen, const char *text, size_t len)
{
	struct line	 v = { text, len };

	copy_value(dst, dstlen, &v);
}

/* The first whitespace-free word of v into word, and v moved past it. */
static int
take_word(struct line *v, char *word, size_t wordlen)
{
	size_t	 n = 0;

	while (n < v->len && v->text[n] != ' ')
		n++;
	if (n == 0 || n >= wordlen)
		return -1;
	memcpy(word, v->text, n);
	word[n] = '\0';
	v->text += n;
	v->len -= n;
	if (v->len > 0) {		/* the space after it */
		v->text++;
		v->len--;
	}
	return 0;
}

/* The value of addr's "out ADDR WORD REPLY[<TAB>FIELD...]" line. */
static int
find_result(const struct buf *out, const char *addr, struct line *v)
{
	struct line	 l = { NULL, 0 };
	size_t		 alen = strlen(addr);

	while (next_line(out, &l)) {
		if (!line_is(&l, "out", v) || v->len <= alen ||
		    strncasecmp(v->text, addr, alen) != 0 || v->text[alen] != ' ')
			continue;
		v->text += alen + 1;
		v->len -= alen + 1;
		return 1;
	}
	return 0;
}

/*
 * Cuts v at the TAB before mailer's fields ("\tdsn=..."); what follows
 * into fields.  Any other TAB is the reply's, made '?' by copy_value.
 */
static void
split_fields(struct line *v, struct line *fields)
{
	const char	*tab = NULL, *end = v->text + v->len;

	for (const char *p = v->text; p + 5 <= end && tab == NULL; p++)
		if (memcmp(p, "\tdsn=", 5) == 0)
			tab = p;

	fields->text = tab ? tab + 1 : v->text + v->len;
	fields->len = tab ? v->len - (size_t)(tab + 1 - v->text) : 0;
	if (tab)
		v->len = (size_t)(tab - v->text);
}

int
report_result(const struct buf *out, const char *addr, char *word,
    size_t wordlen, char *reply, size_t replylen)
{
	struct line	 v, fields;

	if (!find_result(out, addr, &v) || take_word(&v, word, wordlen) != 0)
		return -1;
	split_fields(&v, &fields);
	copy_value(reply, replylen, &v);
	return 0;
}

/*
 * The field of addr's result line that starts with prefix ("dsn=",
 * "tls="), its value copied into value; -1 when the line or the field
 * is missing.
 */
static int
result_field(const struct buf *out, const char *addr, const char *prefix,
    char *value, size_t valuelen)
{
	struct line	 v, fields;
	char		 text[256], *rest, *field;
	size_t		 prefixlen = strlen(prefix);

	if (!find_result(out, addr, &v))
		return -1;
	split_fields(&v, &fields);
	if (fields.len >= sizeof(text))
		fields.len = sizeof(text) - 1;
	memcpy(text, fields.text, fields.len);
	text[fields.len] = '\0';
	for (rest = text; (field = strsep(&rest, "\t")) != NULL;)
		if (strncmp(field, prefix, prefixlen) == 0) {
			struct line	 found = { field + prefixlen,
			    strlen(field + prefixlen) };

			copy_value(value, valuelen, &found);
			return 0;
		}
	return -1;
}

int
report_offered_dsn(const struct buf *out, const char *addr)
{
	char	 dsn[8];

	return result_field(out, addr, "dsn=", dsn, sizeof(dsn)) != 0 ||
	    strcmp(dsn, "no") != 0;
}

int
report_tls(const struct buf *out, const char *addr, char *tls, size_t len)
{
	if (result_field(out, addr, "tls=", tls, len) != 0)
		return -1;
	return tls[0] ? 0 : -1;
}

int
report_number(const struct buf *out, const char *key, int *value)
{
	struct line	 v;
	char		 digits[16];

	if (!find_value(out, key, &v))
		return -1;
	copy_value(digits, sizeof(digits), &v);
	return sscanf(digits, "%d", value) == 1 ? 0 : -1;
}

void
report_text(const struct buf *out, const char *key, char *text, size_t len)
{
	struct line	 v;

	if (find_value(out, key, &v))
		copy_value(text, len, &v);
	else if (len > 0)
		text[0] = '\0';
}

/* The "host NAME ADDRESS" lines, their NAME and ADDRESS. */
static int
next_host(const struct buf *out, struct line *at, char name[256],
    char addr[64])
{
	struct line	 v;
	char		 text[340];

	while (next_line(out, at)) {
		if (!line_is(at, "host", &v))
			continue;
		copy_value(text, sizeof(text), &v);
		if (sscanf(text, "%255s %63s", name, addr) == 2)
			return 1;
	}
	return 0;
}

void
report_hosts(const struct buf *out, char *hosts, size_t len)
{
	struct line	 l = { NULL, 0 };
	char		 name[256], addr[64], one[340];

	if (len > 0)
		hosts[0] = '\0';
	while (next_host(out, &l, name, addr)) {
		snprintf(one, sizeof(one), "%s%s[%s]", hosts[0] ? " " : "",
		    name, addr);
		strlcat(hosts, one, len);
	}
}

int
report_single_host(const struct buf *out, char *name, size_t namelen)
{
	struct line	 l = { NULL, 0 };
	char		 first[256] = "", one[256], addr[64], *p = first, *colon;
	int		 hosts = 0;

	/* One name at several addresses (A and AAAA) is one host. */
	while (next_host(out, &l, one, addr))
		if (hosts == 0 || strcasecmp(one, first) != 0)
			if (hosts++ == 0)
				strlcpy(first, one, sizeof(first));
	if (hosts != 1)
		return 0;
	if (*p == '[') {
		p++;
		p[strcspn(p, "]")] = '\0';
	} else if ((colon = strchr(p, ':')) != NULL && colon == strrchr(p, ':'))
		*colon = '\0';		/* relayhost's "name:port" */
	if (*p && p[strlen(p) - 1] == '.')
		p[strlen(p) - 1] = '\0';
	strlcpy(name, p, namelen);
	return name[0] != '\0';
}

/*
 * The part of a batch job's report about its message k, as the report of
 * a job of that message alone: every line that is not mailer's ("host",
 * "mx", "mailer" ...) and mailer's lines between "MSG k" and "END k".
 * An "ERR reply" line there becomes a line for each of the addresses.
 * 1 when the message's block has ended (its results are all there); a
 * block cut short by mailer's end still gives its whole lines.
 */
int
report_block(const struct buf *out, size_t k, const char *const *addrs,
    size_t naddrs, struct buf *view)
{
	struct line	 l = { NULL, 0 }, v;
	char		 start[40], end[40], err[512];
	int		 inside = 0, ended = 0;

	snprintf(start, sizeof(start), "MSG %zu", k);
	snprintf(end, sizeof(end), "END %zu", k);
	view->len = 0;
	while (next_line(out, &l)) {
		if (!line_is(&l, "out", &v)) {
			buf_append(view, l.text, l.len);
			buf_append(view, "\n", 1);
		} else if (v.len == strlen(start) &&
		    memcmp(v.text, start, v.len) == 0)
			inside = 1;
		else if (inside && v.len == strlen(end) &&
		    memcmp(v.text, end, v.len) == 0) {
			inside = 0;
			ended = 1;
		} else if (inside && v.len > 4 && memcmp(v.text, "ERR ", 4) ==
		    0) {
			struct line	 e = { v.text + 4, v.len - 4 };

			copy_value(err, sizeof(err), &e);
			for (size_t i = 0; i < naddrs; i++)
				buf_printf(view, "out %s %s %s\n", addrs[i],
				    err[0] == '5' ? "fail" : "defer", err);
		} else if (inside) {
			buf_append(view, l.text, l.len);
			buf_append(view, "\n", 1);
		}
	}
	return ended;
}
