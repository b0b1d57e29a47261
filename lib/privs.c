/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

int
privs_drop(const char *user, const char *group, char *err, size_t errlen)
{
	struct passwd	*pw;
	struct group	*gr;
	gid_t		 gid;

	if (geteuid() != 0)
		return 0;
	if (user == NULL || (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user",
		    user ? user : "(none)");
		return -1;
	}
	gid = pw->pw_gid;
	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL) {
			snprintf(err, errlen, "group %s: no such group", group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user %s: refusing to run as root", user);
		return -1;
	}
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "becoming %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || geteuid() == 0) {
		snprintf(err, errlen, "becoming %s: root could be regained",
		    user);
		return -1;
	}
	return 0;
}
