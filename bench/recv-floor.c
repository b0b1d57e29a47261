/* SPDX-License-Identifier: ISC */
/*
 * recv-floor SPOOLDIR: the floor of the design for bench/run.sh.  The same
 * protocol and disk work as recv-duties (recv-common.c), with none of the
 * start-up duties: built static (no dynamic loader, no libraries to map),
 * started as its user by tcpserver -u -g, told its directory on the
 * command line instead of reading a configuration file.  What smtpd takes
 * beyond this is start-up that a different build or launch could remove.
 */
#include "recv.h"

#include <stdio.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc != 2 || chdir(argv[1]) != 0) {
		fprintf(stderr, "usage: recv-floor SPOOLDIR\n");
		return 64;
	}
	return recv_session();
}
