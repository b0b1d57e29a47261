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

static void
show(const char *spool, const char *sub, const char *path, uint32_t id,
    time_t now)
{
	struct envelope		 env;
	struct rcpt_status	 st;
	struct stat		 sb;
	char			 err[256], txt[1100];
	long long		 size = -1;

	if (envelope_read(&env, path, err, sizeof(err)) == -1)
		return;
	spool_path(txt, sizeof(txt), spool, sub, id, "TXT");
	if (stat(txt, &sb) == 0)
		size = (long long)sb.st_size;
	printf("%-10lu %-3s %6llds %9lld  <%s>\n", (unsigned long)id, sub,
	    (long long)(now - env.date), size, env.sender);
	for (size_t i = 0; i < env.nrcpts; i++) {
		queue_get_state(&env, env.rcpts[i].addr, &st);
		printf("%22s%-9s <%s>%s%s\n", "", queue_state_name(st.state),
		    env.rcpts[i].addr, st.reply[0] ? " " : "", st.reply);
	}
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
	if (a + b == 0)
		printf("mail queue is empty\n");
	return 0;
}
