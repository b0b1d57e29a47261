/* SPDX-License-Identifier: ISC */
/*
 * mailer: the SMTP client of smtpgate.  With -x it is the queue
 * runner's delivery agent; otherwise it is a sendmail for scripts.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "mailer.h"
#include "version.h"

/*
 * Called as mailq (a link to mailer) it lists the queue, -bp; called
 * as newaliases it checks the aliases file, -bi.
 */
static int
as_mode(int argc, char **argv, char *mode)
{
	char	**args = calloc((size_t)argc + 2, sizeof(*args));

	if (args == NULL)
		return 71;	/* EX_OSERR */
	args[0] = argv[0];
	args[1] = mode;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	return sendmail_main(argc + 1, args);
}

int
main(int argc, char **argv)
{
	const char	*name = strrchr(argv[0], '/');

	version_option(argc, argv, "mailer");
	name = name ? name + 1 : argv[0];
	/* a server that hangs up must not kill us in the middle of a write */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(name, "mailq") == 0)
		return as_mode(argc, argv, "-bp");
	if (strcmp(name, "newaliases") == 0)
		return as_mode(argc, argv, "-bi");
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-x") == 0)
			return xmode_main(argc, argv);
	return sendmail_main(argc, argv);
}
