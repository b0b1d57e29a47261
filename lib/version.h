/* SPDX-License-Identifier: ISC */
/* smtpgate's version, kept in one place: the file VERSION at the top. */
#ifndef SMTPGATE_VERSION_H
#define SMTPGATE_VERSION_H

#include <stddef.h>

/* The version, as the Makefile read it from VERSION ("0.9.0"). */
extern const char smtpgate_version[];

/*
 * Called first thing in every main(), before getopt and before any
 * configuration is read (a version needs none): when the first argument
 * is --version, prints "PROG (smtpgate) VERSION" on standard output and
 * exits 0, or EX_IOERR when that cannot be written.  Otherwise returns.
 * Only the first argument is looked at, so that "--version" as an
 * option's value or after -- keeps its meaning (mailer's -V is the
 * DSN envelope id, as in sendmail: hence no -V here).
 */
void	version_option(int argc, char **argv, const char *prog);

/* Whether argv asks for the version, as version_option decides it. */
int	version_wanted(int argc, char **argv);
/* The line version_option prints, with its newline; as snprintf. */
int	version_line(char *out, size_t outlen, const char *prog);

#endif
