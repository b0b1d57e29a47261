/* SPDX-License-Identifier: ISC */
/* --version for every program: one line, the same for all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "version.h"

#ifndef SMTPGATE_VERSION
#error "SMTPGATE_VERSION is not defined: the Makefile passes it from VERSION"
#endif

const char smtpgate_version[] = SMTPGATE_VERSION;

int
version_wanted(int argc, char **argv)
{
	return argc >= 2 && strcmp(argv[1], "--version") == 0;
}

int
version_line(char *out, size_t outlen, const char *prog)
{
	return snprintf(out, outlen, "%s (smtpgate) %s\n", prog,
	    smtpgate_version);
}

void
version_option(int argc, char **argv, const char *prog)
{
	char	line[256];

	if (!version_wanted(argc, argv))
		return;
	version_line(line, sizeof(line), prog);
	/* a full disk or a closed stdout must not look like success */
	if (fputs(line, stdout) == EOF || fflush(stdout) == EOF)
		exit(EX_IOERR);
	exit(EX_OK);
}
