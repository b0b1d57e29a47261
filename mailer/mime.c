/* SPDX-License-Identifier: ISC */
/* 8-bit MIME to 7 bits (see mime.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "mime.h"

#define VALUE_MAX	1024	/* of a Content-Type or C-T-E value kept */

static const char hexdigits[] = "0123456789ABCDEF";
static const char b64digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* What a header section says, as far as the conversion cares. */
struct entity {
	int	 version;		/* MIME-Version present */
	int	 has_type;
	char	 type[64], subtype[64];
	char	 boundary[MIME_BOUNDARY_MAX + 1];
	char	 cte[64];		/* lower case; "7bit" when absent */
};

void
mime_init(struct mime_conv *m, enum mime_mode mode, struct mime_plan *plan)
{
	memset(m, 0, sizeof(*m));
	m->mode = mode;
	m->plan = plan;
	m->at_start = 1;
	m->state = MS_HEADER;
	m->need_version = 1;
	if (mode == MIME_ANALYZE) {
		memset(plan, 0, sizeof(*plan));
		plan->convertible = 1;
	}
}

void
mime_free(struct mime_conv *m)
{
	buf_free(&m->header);
}

void
mime_plan_free(struct mime_plan *plan)
{
	free(plan->leaves);
	plan->leaves = NULL;
	plan->nleaves = 0;
}

/* The analysis found the message cannot be converted: says why, once. */
static void
give_up(struct mime_conv *m, const char *why)
{
	if (m->mode != MIME_ANALYZE || m->failed)
		return;
	m->failed = 1;
	m->plan->convertible = 0;
	snprintf(m->plan->why, sizeof(m->plan->why), "%s", why);
}

static int
has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

static int
emit(const struct mime_conv *m, struct buf *out, const char *p, size_t n)
{
	if (m->mode == MIME_ANALYZE || n == 0)
		return 0;
	return buf_append(out, p, n);
}

static int
leaf_marked(const struct mime_conv *m)
{
	return m->leaf < m->plan->nleaves &&
	    (m->plan->leaves[m->leaf / 8] & (1u << (m->leaf % 8)));
}

static void
mark_leaf(struct mime_conv *m)
{
	m->plan->leaves[m->leaf / 8] |= (unsigned char)(1u << (m->leaf % 8));
}

/* --- quoted-printable (RFC 2045 6.7) --- */

/* Puts an encoded unit, breaking the line softly before 76 octets. */
static int
qp_put(struct mime_conv *m, struct buf *out, const char *p, size_t n)
{
	if (m->col + (int)n > 75) {
		if (emit(m, out, "=\r\n", 3) == -1)
			return -1;
		m->col = 0;
	}
	m->col += (int)n;
	return emit(m, out, p, n);
}

static int
qp_escape(struct mime_conv *m, struct buf *out, unsigned char c)
{
	char	 e[3] = { '=', hexdigits[c >> 4], hexdigits[c & 15] };

	return qp_put(m, out, e, 3);
}

/* A blank waiting: literal if more follows on the line, else encoded. */
static int
qp_flush_ws(struct mime_conv *m, struct buf *out, int at_eol)
{
	char	 ws = m->pending_ws;

	if (ws == 0)
		return 0;
	m->pending_ws = 0;
	return at_eol ? qp_escape(m, out, (unsigned char)ws) :
	    qp_put(m, out, &ws, 1);
}

static int
qp_bytes(struct mime_conv *m, struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)p[i];

		if (qp_flush_ws(m, out, 0) == -1)
			return -1;
		if (c == ' ' || c == '\t')
			m->pending_ws = (char)c;
		else if (c >= 33 && c <= 126 && c != '=') {
			if (qp_put(m, out, (const char *)&c, 1) == -1)
				return -1;
		} else if (qp_escape(m, out, c) == -1)
			return -1;
	}
	return 0;
}

static int
qp_eol(struct mime_conv *m, struct buf *out)
{
	if (qp_flush_ws(m, out, 1) == -1)
		return -1;
	m->col = 0;
	return emit(m, out, "\r\n", 2);
}

/* --- base64 (RFC 2045 6.8), lines of 76 --- */

static int
b64_group(struct mime_conv *m, struct buf *out)
{
	const unsigned char	*g = m->group;
	unsigned long		 v;
	char			 q[4];

	v = (unsigned long)g[0] << 16 |
	    (m->ngroup > 1 ? (unsigned long)g[1] << 8 : 0) |
	    (m->ngroup > 2 ? g[2] : 0);
	q[0] = b64digits[(v >> 18) & 63];
	q[1] = b64digits[(v >> 12) & 63];
	q[2] = m->ngroup > 1 ? b64digits[(v >> 6) & 63] : '=';
	q[3] = m->ngroup > 2 ? b64digits[v & 63] : '=';
	m->ngroup = 0;
	if (emit(m, out, q, 4) == -1)
		return -1;
	if ((m->col += 4) >= 76) {
		m->col = 0;
		return emit(m, out, "\r\n", 2);
	}
	return 0;
}

static int
b64_bytes(struct mime_conv *m, struct buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		m->group[m->ngroup++] = (unsigned char)p[i];
		if (m->ngroup == 3 && b64_group(m, out) == -1)
			return -1;
	}
	return 0;
}

/* The rest of the base64, ending its last line. */
static int
b64_flush(struct mime_conv *m, struct buf *out)
{
	if (m->ngroup > 0 && b64_group(m, out) == -1)
		return -1;
	if (m->col > 0) {
		m->col = 0;
		return emit(m, out, "\r\n", 2);
	}
	return 0;
}

/* --- header sections --- */

/* Skips blanks, line ends and (nested) comments (RFC 5322 3.2.2). */
static const char *
skip_cfws(const char *p)
{
	int	 depth = 0;

	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == '\\' && depth > 0 && p[1])
			p++;
		else if (depth == 0 && !isspace((unsigned char)*p))
			break;
	}
	return p;
}

/* An RFC 2045 token, lower-cased into out (cut at outlen). */
static const char *
token(const char *p, char *out, size_t outlen)
{
	size_t	 n = 0;

	while (*p && (unsigned char)*p > 32 && (unsigned char)*p < 127 &&
	    strchr("()<>@,;:\\\"/[]?=", *p) == NULL) {
		if (n + 1 < outlen)
			out[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	out[n] = '\0';
	return p;
}

/* A parameter value: a token (case kept) or a quoted-string. */
static const char *
param_value(const char *p, char *out, size_t outlen)
{
	size_t	 n = 0;

	if (*p != '"') {
		while (*p && (unsigned char)*p > 32 && (unsigned char)*p < 127 &&
		    strchr("()<>@,;:\\\"/[]?=", *p) == NULL) {
			if (n + 1 < outlen)
				out[n++] = *p;
			p++;
		}
		out[n] = '\0';
		return p;
	}
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < outlen)
			out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : p;
}

/* "type/subtype; boundary=..." */
static void
parse_content_type(const char *v, struct entity *e)
{
	char		 attr[64], value[VALUE_MAX];
	const char	*p = token(skip_cfws(v), e->type, sizeof(e->type));

	p = skip_cfws(p);
	if (*p != '/') {
		e->type[0] = '\0';
		return;
	}
	p = token(skip_cfws(p + 1), e->subtype, sizeof(e->subtype));
	e->has_type = e->type[0] && e->subtype[0];
	while (*(p = skip_cfws(p)) == ';') {
		p = token(skip_cfws(p + 1), attr, sizeof(attr));
		if (*(p = skip_cfws(p)) != '=')
			break;
		p = param_value(skip_cfws(p + 1), value, sizeof(value));
		if (strcmp(attr, "boundary") == 0 && value[0] &&
		    strlen(value) <= MIME_BOUNDARY_MAX)
			memcpy(e->boundary, value, strlen(value) + 1);
	}
}

/* 1 if the field at line (len octets) is called name (any case). */
static int
field_is(const char *line, size_t len, const char *name)
{
	size_t	 n = strlen(name), i;

	if (len <= n || strncasecmp(line, name, n) != 0)
		return 0;
	for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i < len && line[i] == ':';
}

/* The length of the field starting at p (with its continuation lines). */
static size_t
field_len(const char *p, size_t left)
{
	size_t	 n = 0;

	for (;;) {
		const char	*nl = memchr(p + n, '\n', left - n);

		n = nl ? (size_t)(nl - p) + 1 : left;
		if (n >= left || (p[n] != ' ' && p[n] != '\t'))
			return n;
	}
}

/* The field's value, unfolded, cut at outlen. */
static void
field_value(const char *p, size_t len, char *out, size_t outlen)
{
	const char	*colon = memchr(p, ':', len);
	size_t		 n = 0;

	for (size_t i = colon ? (size_t)(colon - p) + 1 : len; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n' && n + 1 < outlen)
			out[n++] = p[i];
	out[n] = '\0';
}

static void
parse_entity(const struct buf *h, struct entity *e)
{
	char	 value[VALUE_MAX];
	int	 have_cte = 0;

	memset(e, 0, sizeof(*e));
	for (size_t at = 0, n; at < h->len; at += n) {
		const char	*p = h->data + at;

		n = field_len(p, h->len - at);
		if (field_is(p, n, "MIME-Version"))
			e->version = 1;
		else if (field_is(p, n, "Content-Type") && !e->has_type) {
			field_value(p, n, value, sizeof(value));
			parse_content_type(value, e);
		} else if (field_is(p, n, "Content-Transfer-Encoding") &&
		    !have_cte) {
			field_value(p, n, value, sizeof(value));
			token(skip_cfws(value), e->cte, sizeof(e->cte));
			have_cte = 1;
		}
	}
	if (!have_cte || e->cte[0] == '\0')	/* RFC 2045 6.1 */
		strlcpy(e->cte, "7bit", sizeof(e->cte));
}

/* The header as it was, or with its C-T-E replaced by cte. */
static int
emit_header(struct mime_conv *m, struct buf *out, const char *cte)
{
	const struct buf	*h = &m->header;

	if (cte == NULL)
		return emit(m, out, h->data, h->len);
	for (size_t at = 0, n; at < h->len; at += n) {
		const char	*p = h->data + at;

		n = field_len(p, h->len - at);
		if (!field_is(p, n, "Content-Transfer-Encoding") &&
		    emit(m, out, p, n) == -1)
			return -1;
	}
	if (m->mode == MIME_ANALYZE)
		return 0;
	return buf_printf(out, "Content-Transfer-Encoding: %s\r\n", cte);
}

/* --- the walk --- */

static int
composite_cte(const char *cte)
{
	return strcmp(cte, "7bit") == 0 || strcmp(cte, "8bit") == 0 ||
	    strcmp(cte, "binary") == 0;
}

/* How a leaf of this type would be encoded, if its label allows. */
static enum mime_enc
leaf_kind(const struct entity *e)
{
	if (strcmp(e->cte, "7bit") != 0 && strcmp(e->cte, "8bit") != 0)
		return ENC_NONE;	/* binary, already encoded, unknown */
	if (strcmp(e->type, "text") == 0)
		return ENC_QP;
	if (strcmp(e->type, "multipart") == 0)
		return ENC_NONE;	/* one without a usable boundary */
	/* RFC 2046 5.2: message types are never encoded; RFC 6532 3.5
	 * lets message/global be */
	if (strcmp(e->type, "message") == 0 &&
	    strncmp(e->subtype, "global", 6) != 0)
		return ENC_NONE;
	return ENC_BASE64;
}

/* A bit for one more leaf; 0, or -1 when there can be none. */
static int
grow_leaves(struct mime_plan *plan, size_t leaf)
{
	unsigned char	*grown;
	size_t		 need = leaf / 8 + 1, had = (plan->nleaves + 7) / 8;

	if (leaf >= MIME_LEAVES_MAX)
		return -1;
	if (need > had) {
		if ((grown = realloc(plan->leaves, need)) == NULL)
			return -1;
		memset(grown + had, 0, need - had);
		plan->leaves = grown;
	}
	plan->nleaves = leaf + 1;
	return 0;
}

/*
 * A leaf starts: numbered, marked for conversion when labelled 8bit
 * (8-bit bytes in it mark it too), encoded when the plan says so.
 * Returns its new transfer encoding, or NULL when it keeps its own.
 */
static const char *
start_leaf(struct mime_conv *m, const struct entity *e, int is_mime)
{
	m->state = MS_LEAF;
	m->enc = ENC_NONE;
	m->col = m->ngroup = m->pending_eol = 0;
	m->pending_ws = 0;
	m->leaf_kind = is_mime ? leaf_kind(e) : ENC_NONE;
	snprintf(m->leaf_label, sizeof(m->leaf_label), "%s",
	    is_mime ? e->cte : "");
	m->leaf = m->nleaf++;
	if (m->mode == MIME_ANALYZE) {
		if (grow_leaves(m->plan, m->leaf) == -1)
			give_up(m, "too many parts to convert");
		else if (m->leaf_kind != ENC_NONE && strcmp(e->cte, "8bit") == 0)
			mark_leaf(m);
		return NULL;
	}
	if (!leaf_marked(m))
		return NULL;
	m->enc = m->leaf_kind;
	return m->enc == ENC_QP ? "quoted-printable" : "base64";
}

/* The end of a leaf: the rest of its encoding. */
static int
end_leaf(struct mime_conv *m, struct buf *out, int at_eof)
{
	enum mime_enc	 enc = m->enc;

	m->enc = ENC_NONE;	/* what follows is not this leaf's */
	if (m->state != MS_LEAF)
		return 0;
	if (enc == ENC_QP)
		return qp_flush_ws(m, out, 1);
	if (enc != ENC_BASE64)
		return 0;
	/* the line end before a boundary is the boundary's (RFC 2046
	 * 5.1.1), the last one of the message is the leaf's */
	if (at_eof && m->pending_eol && b64_bytes(m, out, "\r\n", 2) == -1)
		return -1;
	m->pending_eol = 0;
	return b64_flush(m, out);
}

/* The empty line after a header section: what the body is. */
static int
end_header(struct mime_conv *m, struct buf *out)
{
	struct entity	 e;
	const char	*cte = NULL;
	int		 is_mime;

	parse_entity(&m->header, &e);
	is_mime = m->need_version ? e.version : 1;
	if (is_mime && !e.has_type) {
		strlcpy(e.type, m->default_rfc822 ? "message" : "text",
		    sizeof(e.type));
		strlcpy(e.subtype, m->default_rfc822 ? "rfc822" : "plain",
		    sizeof(e.subtype));
	}
	if (is_mime && strcmp(e.type, "multipart") == 0 && e.boundary[0] &&
	    composite_cte(e.cte) && m->depth + m->nest < MIME_DEPTH_MAX) {
		struct mime_level	*l = &m->levels[m->depth++];

		l->len = strlen(e.boundary);
		memcpy(l->boundary, e.boundary, l->len + 1);
		l->digest = strcmp(e.subtype, "digest") == 0;
		l->nest = m->nest;
		m->state = MS_PREAMBLE;
		if (strcmp(e.cte, "7bit") != 0)
			cte = "7bit";
	} else if (is_mime && strcmp(e.type, "message") == 0 &&
	    strcmp(e.subtype, "rfc822") == 0 && composite_cte(e.cte) &&
	    m->depth + m->nest < MIME_DEPTH_MAX) {
		m->nest++;
		m->state = MS_HEADER;	/* the encapsulated message's */
		m->need_version = 1;
		m->default_rfc822 = 0;
		if (strcmp(e.cte, "7bit") != 0)
			cte = "7bit";
	} else
		cte = start_leaf(m, &e, is_mime);
	if (emit_header(m, out, cte) == -1 || emit(m, out, "\r\n", 2) == -1)
		return -1;
	m->header.len = 0;
	return 0;
}

/* A line of a header section, or the empty line that ends it. */
static int
header_line(struct mime_conv *m, const char *p, size_t n, int complete,
    struct buf *out)
{
	if (m->at_start && complete && n == 0)
		return end_header(m, out);
	if (has_8bit(p, n)) {
		m->plan->header8 |= m->mode == MIME_ANALYZE;
		give_up(m, "8-bit bytes in a header");
	}
	if (m->header.len + n + 2 > MIME_HEADER_MAX) {
		give_up(m, "a header section too large to convert");
		if (m->mode == MIME_ANALYZE)
			return 0;
	}
	if (buf_append(&m->header, p, n) == -1 ||
	    (complete && buf_append(&m->header, "\r\n", 2) == -1))
		return -1;
	return 0;
}

/*
 * A delimiter line of one of the multiparts being walked, the innermost
 * first (RFC 2046 5.1.1: "--" boundary ["--"], blanks may follow):
 * its level, or -1; *close for the close delimiter.
 */
static int
delimiter(const struct mime_conv *m, const char *p, size_t n, int *close)
{
	for (int k = m->depth - 1; k >= 0; k--) {
		const struct mime_level	*l = &m->levels[k];
		size_t			 i = 2 + l->len;

		if (n < i || p[0] != '-' || p[1] != '-' ||
		    memcmp(p + 2, l->boundary, l->len) != 0)
			continue;
		*close = n >= i + 2 && p[i] == '-' && p[i + 1] == '-';
		if (*close)
			i += 2;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			return k;
	}
	return -1;
}

/* Delimiter line p of level k: the next part, or the epilogue. */
static int
at_delimiter(struct mime_conv *m, int k, int close, const char *p, size_t n,
    struct buf *out)
{
	/* a header section without its empty line stays as it was */
	if (m->state == MS_HEADER && emit_header(m, out, NULL) == -1)
		return -1;
	if (end_leaf(m, out, 0) == -1 || emit(m, out, p, n) == -1 ||
	    emit(m, out, "\r\n", 2) == -1)
		return -1;
	m->nest = m->levels[k].nest;
	if (close) {
		m->depth = k;
		m->state = MS_EPILOGUE;
		return 0;
	}
	m->depth = k + 1;
	m->state = MS_HEADER;
	m->need_version = 0;
	m->default_rfc822 = m->levels[k].digest;
	m->header.len = 0;
	return 0;
}

/* Body bytes of a leaf, a preamble or an epilogue. */
static int
body_bytes(struct mime_conv *m, const char *p, size_t n, int complete,
    struct buf *out)
{
	char	 why[160];

	if (m->mode == MIME_ANALYZE && has_8bit(p, n)) {
		if (m->state != MS_LEAF)
			give_up(m, "8-bit bytes in a multipart's preamble or "
			    "epilogue");
		else if (m->leaf_label[0] == '\0' && m->nest == 0)
			give_up(m, "the message is not MIME (no MIME-Version)");
		else if (m->leaf_label[0] == '\0')
			give_up(m, "8-bit bytes in an encapsulated message "
			    "without MIME-Version");
		else if (m->leaf_kind == ENC_NONE) {
			snprintf(why, sizeof(why), "8-bit bytes in a part "
			    "labelled %s", m->leaf_label);
			give_up(m, why);
		} else if (!m->failed)
			mark_leaf(m);
		return 0;
	}
	switch (m->enc) {
	case ENC_QP:
		if (qp_bytes(m, out, p, n) == -1)
			return -1;
		return complete ? qp_eol(m, out) : 0;
	case ENC_BASE64:
		if (m->pending_eol && (n > 0 || complete) &&
		    b64_bytes(m, out, "\r\n", 2) == -1)
			return -1;
		m->pending_eol = m->pending_eol && n == 0 && !complete;
		if (b64_bytes(m, out, p, n) == -1)
			return -1;
		m->pending_eol |= complete;
		return 0;
	default:
		if (emit(m, out, p, n) == -1)
			return -1;
		return complete ? emit(m, out, "\r\n", 2) : 0;
	}
}

/* A line, or a piece of a long one (complete: its line end was read). */
static int
take_line(struct mime_conv *m, int complete, struct buf *out)
{
	const char	*p = m->line;
	size_t		 n = m->linelen;
	int		 k, close, rc;

	/* a delimiter ends even a header section, as Python's parser has it */
	if (m->at_start && complete && (k = delimiter(m, p, n, &close)) >= 0)
		rc = at_delimiter(m, k, close, p, n, out);
	else if (m->state == MS_HEADER)
		rc = header_line(m, p, n, complete, out);
	else
		rc = body_bytes(m, p, n, complete, out);
	m->linelen = 0;
	m->at_start = complete;
	return rc;
}

int
mime_feed(struct mime_conv *m, const char *in, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		char	 c = in[i];

		if (m->pending_cr) {
			/* CR LF, or a lone CR: one line end, as data.c has it */
			m->pending_cr = 0;
			if (take_line(m, 1, out) == -1)
				return -1;
			if (c == '\n')
				continue;
		}
		if (c == '\r')
			m->pending_cr = 1;
		else if (c == '\n') {
			if (take_line(m, 1, out) == -1)
				return -1;
		} else {
			if (m->linelen == sizeof(m->line) &&
			    take_line(m, 0, out) == -1)
				return -1;
			m->line[m->linelen++] = c;
		}
	}
	return 0;
}

int
mime_finish(struct mime_conv *m, struct buf *out)
{
	if (m->pending_cr || m->linelen > 0) {
		if (take_line(m, m->pending_cr, out) == -1)
			return -1;
		m->pending_cr = 0;
	}
	if (m->state == MS_HEADER)	/* a header without a body */
		return emit_header(m, out, NULL);
	return end_leaf(m, out, 1);
}
