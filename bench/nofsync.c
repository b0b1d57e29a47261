/* SPDX-License-Identifier: ISC */
/*
 * nofsync.so: LD_PRELOAD shim that makes fsync and fdatasync return at
 * once.  bench/run.sh runs one extra smtpd under it, for diagnosis only:
 * the gap to the real smtpd is what durability costs on this disk.  Never
 * use it for mail that matters.
 */
int
fsync(int fd)
{
	(void)fd;
	return 0;
}

int
fdatasync(int fd)
{
	(void)fd;
	return 0;
}
