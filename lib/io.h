/* SPDX-License-Identifier: ISC */
/* Reads and writes on sockets and pipes, each bounded by a timeout. */
#ifndef SMTPGATE_IO_H
#define SMTPGATE_IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Waits up to timeout seconds for fd to be readable, then reads once.
 * Returns bytes read, 0 at end of file, -1 on error (errno ETIMEDOUT
 * when the time ran out).
 */
ssize_t	io_read(int fd, void *buf, size_t len, int timeout);
/* Writes all of buf within timeout seconds; -1 on error or timeout. */
int	io_write_all(int fd, const void *buf, size_t len, int timeout);
/* Milliseconds on the monotonic clock, for deadlines. */
long long now_ms(void);
/*
 * Polls fd for events (POLLIN, POLLOUT) until deadline_ms on now_ms()'s
 * clock; 1 ready, 0 timed out, -1 error.
 */
int	io_wait(int fd, short events, long long deadline_ms);
/* 1 if a read on fd would not block now (data, EOF or error waiting). */
int	io_readable_now(int fd);

#endif
