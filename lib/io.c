/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
io_wait(int fd, short events, long long deadline_ms)
{
	struct pollfd	 pfd = { .fd = fd, .events = events };
	long long	 left;
	int		 rc;

	for (;;) {
		left = deadline_ms - now_ms();
		if (left < 0)
			left = 0;
		rc = poll(&pfd, 1, (int)(left > 86400000 ? 86400000 : left));
		if (rc >= 0 || errno != EINTR)
			return rc > 0 ? 1 : rc;
	}
}

ssize_t
io_read(int fd, void *buf, size_t len, int timeout)
{
	long long	 deadline = now_ms() + (long long)timeout * 1000;
	ssize_t		 n;
	int		 rc;

	for (;;) {
		if ((rc = io_wait(fd, POLLIN, deadline)) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc < 0)
			return -1;
		n = read(fd, buf, len);
		if (n >= 0 || (errno != EINTR && errno != EAGAIN))
			return n;
	}
}

int
io_write_all(int fd, const void *buf, size_t len, int timeout)
{
	long long	 deadline = now_ms() + (long long)timeout * 1000;
	const char	*p = buf;
	ssize_t		 n;
	int		 rc;

	while (len > 0) {
		if ((rc = io_wait(fd, POLLOUT, deadline)) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc < 0)
			return -1;
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
io_readable_now(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}
