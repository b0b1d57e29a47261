/*
 * mailer: the SMTP client of smtpgate.  With -x it is the queue
 * runner's delivery agent; otherwise it is a sendmail for scripts.
 */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "mailer.h"

int
main(int argc, char **argv)
{
	/* a server that hangs up must not kill us in the middle of a write */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-x") == 0)
			return xmode_main(argc, argv);
	return sendmail_main(argc, argv);
}
