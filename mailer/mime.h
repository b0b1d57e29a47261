/* SPDX-License-Identifier: ISC */
/*
 * 8-bit MIME to 7 bits, for a server without 8BITMIME (RFC 6152 3 lets
 * the client convert): a streaming filter in bounded memory, run twice
 * over the message file.
 *
 * The first run (MIME_ANALYZE) reads the message and writes nothing: it
 * decides whether the message can be converted honestly and which leaf
 * parts need it.  It can when the message is MIME (MIME-Version at the
 * top, RFC 2045 4) and every 8-bit byte is in the body of a leaf part
 * labelled 7bit or 8bit or not labelled (RFC 2045 6.1), that is not in
 * a header, a preamble or an epilogue, nor in a part labelled binary,
 * quoted-printable or base64, nor in an encapsulated message without
 * MIME-Version of its own.  Multiparts are walked by their boundaries
 * (RFC 2046 5.1), message/rfc822 parts into the message inside (5.2.1).
 *
 * The second run (MIME_CONVERT) writes the message with each such leaf
 * encoded: text as quoted-printable (RFC 2045 6.7, lines of at most
 * 76 octets), other types as base64 (6.8).  Only the leaf's
 * Content-Transfer-Encoding field changes; a multipart or message/rfc822
 * labelled 8bit or binary is labelled 7bit.  Every other byte stays.
 *
 * Memory is bounded: a line of MIME_LINE_MAX octets (longer lines pass
 * in pieces and are never boundaries), one header section of at most
 * MIME_HEADER_MAX octets (a larger one makes the message unconvertible),
 * MIME_DEPTH_MAX nested multiparts and encapsulations, a bit per leaf
 * for at most MIME_LEAVES_MAX leaves.
 */
#ifndef MAILER_MIME_H
#define MAILER_MIME_H

#include <stddef.h>

#include "buf.h"

#define MIME_LINE_MAX	998		/* RFC 5322 2.1.1 */
#define MIME_HEADER_MAX	65536		/* one header section */
#define MIME_DEPTH_MAX	32		/* multiparts and message/rfc822 */
#define MIME_BOUNDARY_MAX 70		/* RFC 2046 5.1.1 */
#define MIME_LEAVES_MAX	65536

/* What the analysis found; the conversion reads it. */
struct mime_plan {
	int		 header8;	/* 8-bit bytes in a header section */
	int		 convertible;	/* the conversion is possible */
	char		 why[160];	/* when it is not: why */
	unsigned char	*leaves;	/* a bit per leaf: convert it */
	size_t		 nleaves;
};

enum mime_mode { MIME_ANALYZE, MIME_CONVERT };

enum mime_state { MS_HEADER, MS_PREAMBLE, MS_LEAF, MS_EPILOGUE };
enum mime_enc { ENC_NONE, ENC_QP, ENC_BASE64 };

struct mime_level {		/* a multipart being walked */
	char	 boundary[MIME_BOUNDARY_MAX + 1];
	size_t	 len;
	int	 digest;	/* multipart/digest: parts default to rfc822 */
	int	 nest;		/* encapsulations around it */
};

struct mime_conv {
	enum mime_mode	 mode;
	struct mime_plan *plan;
	int		 failed;	/* the analysis found it unconvertible */
	/* the line being read */
	char		 line[MIME_LINE_MAX];
	size_t		 linelen;
	int		 pending_cr;
	int		 at_start;	/* line holds the start of a line */
	/* where in the message */
	enum mime_state	 state;
	struct buf	 header;	/* the header section being read */
	int		 need_version;	/* this header must say MIME-Version */
	int		 default_rfc822; /* no Content-Type: message/rfc822 */
	struct mime_level levels[MIME_DEPTH_MAX];
	int		 depth, nest;
	/* the leaf being read */
	enum mime_enc	 leaf_kind;	/* how it would be encoded, or NONE */
	char		 leaf_label[64];	/* its label, "": not MIME */
	size_t		 leaf, nleaf;	/* its number, and how many so far */
	enum mime_enc	 enc;		/* how it is encoded now */
	int		 col;		/* output column of the encoding */
	char		 pending_ws;	/* QP: a blank that may end the line */
	unsigned char	 group[3];	/* base64: octets waiting */
	int		 ngroup;
	int		 pending_eol;	/* base64: a line end not yet encoded */
};

/* plan is filled (MIME_ANALYZE) or read (MIME_CONVERT). */
void	mime_init(struct mime_conv *m, enum mime_mode mode,
	    struct mime_plan *plan);
/* len bytes of the message; CR LF line ends into out.  -1: no memory. */
int	mime_feed(struct mime_conv *m, const char *in, size_t len,
	    struct buf *out);
/* The end of the message; after MIME_ANALYZE, the plan is complete. */
int	mime_finish(struct mime_conv *m, struct buf *out);
void	mime_free(struct mime_conv *m);
void	mime_plan_free(struct mime_plan *plan);

#endif
