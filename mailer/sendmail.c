#include <sysexits.h>
#include "mailer.h"
int
sendmail_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	return EX_SOFTWARE;
}
