/* SPDX-License-Identifier: ISC */
/*
 * recv-duties CONFIG: a minimal receiver with smtpd's start-up duties, for
 * bench/run.sh.  Dynamically linked like smtpd, it reads a configuration
 * file (key=value lines; it uses spool= and user=), looks the user up in
 * the password database, drops root to that user and group, and then does
 * the same protocol and disk work as recv-floor (recv-common.c).  smtpd's
 * rate over this one's says how much smtpd spends beyond its duties.
 */
#include "recv.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct settings {
	char spool[512];
	char user[64];
};

/* Copies the value of "KEY=value" in LINE into OUT when the key matches. */
static void
take_value(const char *line, const char *key, char *out, size_t size)
{
	size_t keylen = strlen(key);

	if (strncmp(line, key, keylen) == 0 && line[keylen] == '=') {
		snprintf(out, size, "%s", line + keylen + 1);
		out[strcspn(out, "\r\n")] = '\0';
	}
}

static int
read_settings(const char *path, struct settings *set)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	set->spool[0] = set->user[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		take_value(line, "spool", set->spool, sizeof set->spool);
		take_value(line, "user", set->user, sizeof set->user);
	}
	fclose(f);
	return set->spool[0] != '\0' && set->user[0] != '\0' ? 0 : -1;
}

static int
drop_root(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		return -1;
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -1;
	return setuid(0) == 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct settings set;

	if (argc != 2 || read_settings(argv[1], &set) != 0) {
		fprintf(stderr, "recv-duties: usage: recv-duties CONFIG "
		    "(with spool= and user=)\n");
		return 64;
	}
	if (drop_root(set.user) != 0 || chdir(set.spool) != 0) {
		perror("recv-duties: cannot become the user or enter the spool");
		return 71;
	}
	return recv_session();
}
