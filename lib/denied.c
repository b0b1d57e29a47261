/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "denied.h"

/* A uid's name, or its number when no passwd entry names it. */
static void
user_name(uid_t uid, char *out, size_t outlen)
{
	struct passwd	*pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(out, outlen, "%s", pw->pw_name);
	else
		snprintf(out, outlen, "%lu", (unsigned long)uid);
}

void
denied_explain(const char *path, const char *user, char *out, size_t outlen)
{
	char		 me[64], owner[64];
	struct stat	 st;

	if (user == NULL) {
		user_name(geteuid(), me, sizeof(me));
		user = me;
	}
	if (stat(path, &st) == -1) {
		snprintf(out, outlen, "must be writable by user %s", user);
		return;
	}
	user_name(st.st_uid, owner, sizeof(owner));
	snprintf(out, outlen, "must be writable by user %s (owner %s, mode %o)",
	    user, owner, (unsigned)(st.st_mode & 07777));
}
