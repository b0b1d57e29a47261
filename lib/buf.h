/* SPDX-License-Identifier: ISC */
/* A growing byte buffer: what an engine has to say, waiting to be sent. */
#ifndef SMTPGATE_BUF_H
#define SMTPGATE_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

int	buf_append(struct buf *b, const void *data, size_t len);
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes (they were sent). */
void	buf_consume(struct buf *b, size_t n);
void	buf_free(struct buf *b);

#endif
