/* SPDX-License-Identifier: ISC */
/* mailer -bp: the queue, as `spoolmgr list` shows it (in short). */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "mailer.h"
#include "queue.h"
#include "spool.h"
#include "visible.h"

/* "42s", "5m", "3h", "2d", as spoolmgr list writes ages. */
static void
age_text(long long secs, char *out, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(out, len, "%llds", secs);
	else if (secs < 3600)
		snprintf(out, len, "%lldm", secs / 60);
	else if (secs < 86400)
		snprintf(out, len, "%lldh", secs / 3600);
	else
		snprintf(out, len, "%lldd", secs / 86400);
}

static void
show(const char *spool, const char *sub, const char *path, uint32_t id,
    time_t now)
{
	struct envelope		 env;
	struct rcpt_status	 st;
	struct stat		 sb;
	struct buf		 shown = { NULL, 0, 0 };
	char			 err[256], txt[1100], age[32];
	long long		 size = -1;

	if (envelope_read(&env, path, err, sizeof(err)) == -1)
		return;
	spool_path(txt, sizeof(txt), spool, sub, id, "TXT");
	if (stat(txt, &sb) == 0)
		size = (long long)sb.st_size;
	age_text((long long)(now - env.date), age, sizeof(age));
	/* a remote sender's or server's control characters stay visible */
	printf("%-10lu %-3s %5s %8lld  <%s>\n", (unsigned long)id, sub, age,
	    size, visible(&shown, env.sender));
	for (size_t i = 0; i < env.nrcpts; i++) {
		queue_get_state(&env, env.rcpts[i].addr, &st);
		printf("%21s%-9s <%s>\n", "", queue_state_name(st.state),
		    visible(&shown, env.rcpts[i].addr));
		if (st.reply[0])
			printf("%31s%s\n", "", visible(&shown, st.reply));
	}
	buf_free(&shown);
	envelope_free(&env);
}

static int
list_dir(const char *spool, const char *sub, time_t now)
{
	char		 dir[1100], path[1400];
	struct dirent	*de;
	DIR		*d;
	int		 count = 0;

	snprintf(dir, sizeof(dir), "%s/%s", spool, sub);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "mailer: %s: cannot read the queue\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char		*end;
		unsigned long	 id = strtoul(de->d_name, &end, 10);

		if (end == de->d_name || strcmp(end, ".WRK") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		show(spool, sub, path, (uint32_t)id, now);
		count++;
	}
	closedir(d);
	return count;
}

int
queue_list(const struct config *cf)
{
	time_t	 now = time(NULL);
	int	 a, b;

	a = list_dir(cf->spool, "in", now);
	b = list_dir(cf->spool, "out", now);
	if (a < 0 || b < 0)
		return EX_NOINPUT;
	/* the same last line as spoolmgr list */
	if (a + b == 0)
		printf("The queue is empty.\n");
	else
		printf("%d message%s in the queue.\n", a + b, a + b == 1 ? "" : "s");
	return 0;
}
