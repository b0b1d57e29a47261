/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "auth_base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of c, or -1 if c is not in the alphabet. */
static int
sextet(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

/*
 * One group of four characters: "xxxx", "xxx=" or "xx=="; padding only
 * in the last group (last).  Returns the octets it holds, or -1.
 */
static int
decode_group(const char *in, int last, unsigned char *out)
{
	int	 v[4], pad = 0;

	for (int i = 0; i < 4; i++) {
		if (in[i] == '=' && last && i >= 2) {
			pad++;
			v[i] = 0;
			continue;
		}
		if (pad > 0 || (v[i] = sextet(in[i])) < 0)
			return -1;	/* data after padding, or a stray */
	}
	/* RFC 4648 3.5: the bits that padding leaves over must be zero,
	 * or two texts would decode to the same octets. */
	if ((pad == 1 && (v[2] & 3) != 0) || (pad == 2 && (v[1] & 15) != 0))
		return -1;
	out[0] = (unsigned char)(v[0] << 2 | v[1] >> 4);
	out[1] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
	out[2] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	return 3 - pad;
}

ssize_t
b64_decode(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	unsigned char	 group[3];
	size_t		 used = 0;
	int		 n;

	if (len % 4 != 0)
		return -1;
	for (size_t at = 0; at < len; at += 4) {
		if ((n = decode_group(in + at, at + 4 == len, group)) < 0)
			return -1;
		if (used + (size_t)n > outlen)
			return -1;
		memcpy(out + used, group, (size_t)n);
		used += (size_t)n;
	}
	return (ssize_t)used;
}

int
b64_encode(const void *in, size_t len, char *out, size_t outlen)
{
	const unsigned char	*p = in;
	size_t			 o = 0;

	if (outlen < B64_ENCODED_LEN(len))
		return -1;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}
