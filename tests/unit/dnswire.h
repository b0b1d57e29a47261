/* SPDX-License-Identifier: ISC */
/*
 * DNS replies built byte by byte for the unit tests of the readers of
 * raw replies (lib_mx_reply.c, lib_tlsa.c), hostile ones included.
 * Include after cmocka.h.
 */
#ifndef TESTS_UNIT_DNSWIRE_H
#define TESTS_UNIT_DNSWIRE_H

#include <stdint.h>
#include <string.h>

#define T_A	1
#define T_CNAME	5
#define T_MX	15
#define T_AAAA	28
#define T_TLSA	52

#define DNS_FLAG_AD	0x20

/* A DNS reply being built. */
struct wire {
	uint8_t	 b[8192];
	size_t	 len;
	uint16_t ancount;
};

static inline void
put(struct wire *w, const void *data, size_t len)
{
	assert_true(w->len + len <= sizeof(w->b));
	memcpy(w->b + w->len, data, len);
	w->len += len;
}

static inline void
put16(struct wire *w, unsigned v)
{
	uint8_t	 two[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(w, two, 2);
}

/* "a.b.test" in wire form; "." is the root. */
static inline void
put_name(struct wire *w, const char *name)
{
	const char	*p = name, *dot;
	uint8_t		 len;

	while (*p != '\0' && strcmp(p, ".") != 0) {
		dot = strchr(p, '.');
		len = (uint8_t)(dot ? (size_t)(dot - p) : strlen(p));
		put(w, &len, 1);
		put(w, p, len);
		p += len + (dot ? 1 : 0);
	}
	put(w, "", 1);
}

/*
 * Header (id 1, QR RD RA, the extra flags, rcode) and the question;
 * answers follow, and wire_finish() sets their count.
 */
static inline void
wire_start(struct wire *w, int rcode, unsigned flags, const char *qname,
    unsigned qtype)
{
	memset(w, 0, sizeof(*w));
	put16(w, 1);
	put16(w, 0x8180 | flags | (unsigned)rcode);
	put16(w, 1);
	put16(w, 0);
	put16(w, 0);
	put16(w, 0);
	put_name(w, qname);
	put16(w, qtype);
	put16(w, 1);
}

/* One answer record (class IN, TTL 300) with raw data. */
static inline void
answer(struct wire *w, const char *owner, unsigned type, const void *data,
    size_t len)
{
	put_name(w, owner);
	put16(w, type);
	put16(w, 1);
	put16(w, 0);
	put16(w, 300);
	put16(w, (unsigned)len);
	put(w, data, len);
	w->ancount++;
}

static inline void
wire_finish(struct wire *w)
{
	w->b[6] = (uint8_t)(w->ancount >> 8);
	w->b[7] = (uint8_t)w->ancount;
}

#endif
