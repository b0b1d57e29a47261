/* SPDX-License-Identifier: ISC */
/* `spoolmgr list` (like mailq) and `spoolmgr show ID`. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "spool.h"
#include "spoolmgr.h"
#include "visible.h"

void
format_age(long long secs, char *out, size_t len)
{
	static const struct { long long size; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t	 i = 0;

	if (secs < 0)
		secs = 0;
	while (i < 3 && secs < units[i].size)
		i++;
	say(out, len, "%lld%c", secs / units[i].size, units[i].unit);
}

static long long
text_size(const char *spool, const char *subdir, uint32_t id)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	spool_path(path, sizeof(path), spool, subdir, id, "TXT");
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void
list_json(struct runner *r, const char *subdir, const struct envelope *env,
    long long size)
{
	struct buf		 b = { NULL, 0, 0 };
	struct rcpt_status	 st;

	buf_printf(&b, "{\"id\":%lu,\"queue\":\"%s\",\"age\":%lld,"
	    "\"size\":%lld,\"sender\":", (unsigned long)env->id, subdir,
	    (long long)(r->now - env->date), size);
	visible_json(&b, env->sender);
	buf_printf(&b, ",\"recipients\":[");
	for (size_t i = 0; i < env->nrcpts; i++) {
		queue_get_state(env, env->rcpts[i].addr, &st);
		buf_printf(&b, "%s{\"address\":", i ? "," : "");
		visible_json(&b, env->rcpts[i].addr);
		buf_printf(&b, ",\"state\":\"%s\",\"tries\":%d,\"last\":%lld,"
		    "\"next\":%lld,\"reply\":", queue_state_name(st.state),
		    st.tries, (long long)st.last, (long long)st.next);
		visible_json(&b, st.reply);
		buf_printf(&b, "}");
	}
	buf_printf(&b, "]}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

static void
list_text(struct runner *r, const char *subdir, const struct envelope *env,
    long long size)
{
	struct rcpt_status	 st;
	struct buf		 shown = { NULL, 0, 0 };
	char			 age[16], next[16];

	/* addresses and replies come from the network: visible() keeps
	 * their control characters off the administrator's terminal */
	format_age(r->now - env->date, age, sizeof(age));
	printf("%-10lu %-3s %5s %8lld  <%s>\n", (unsigned long)env->id, subdir,
	    age, size, visible(&shown, env->sender));
	for (size_t i = 0; i < env->nrcpts; i++) {
		queue_get_state(env, env->rcpts[i].addr, &st);
		printf("%21s%-9s <%s>", "", queue_state_name(st.state),
		    visible(&shown, env->rcpts[i].addr));
		if (st.state == RCPT_DEFERRED) {
			format_age(st.next - r->now, next, sizeof(next));
			printf(" (tries %d, next in %s)", st.tries, next);
		}
		if (st.reply[0])
			printf("\n%31s%s", "", visible(&shown, st.reply));
		printf("\n");
	}
	buf_free(&shown);
}

/* Calls fn for every readable message of in/ and out/; the count. */
static int
each_message(struct runner *r, void (*fn)(struct runner *, const char *,
    const struct envelope *, long long))
{
	static const char *const dirs[] = { "in", "out" };
	uint32_t	*ids;
	size_t		 n;
	int		 count = 0;

	for (size_t d = 0; d < 2; d++) {
		if (scan_ids(r->cf->spool, dirs[d], &ids, &n) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct envelope	 env;
			char		 path[PATH_MAX], err[256];

			spool_path(path, sizeof(path), r->cf->spool, dirs[d],
			    ids[i], "WRK");
			if (envelope_read(&env, path, err, sizeof(err)) != 0)
				continue;	/* gone, or for the runner to judge */
			msg_fix_date(r->cf->spool, dirs[d], ids[i], &env);
			fn(r, dirs[d], &env, text_size(r->cf->spool, dirs[d],
			    ids[i]));
			envelope_free(&env);
			count++;
		}
		free(ids);
	}
	return count;
}

int
cmd_list(struct runner *r, int json)
{
	int	 count = each_message(r, json ? list_json : list_text);

	if (count < 0) {
		fprintf(stderr, "spoolmgr: %s: %s\n", r->cf->spool,
		    strerror(errno));
		return EX_IOERR;
	}
	if (!json)
		printf(count == 0 ? "The queue is empty.\n" :
		    "%d message%s in the queue.\n", count, count == 1 ? "" : "s");
	return 0;
}

/*
 * Prints a spool file line by line with its control characters visible
 * (a header may carry ESC sequences, a bare CR, a NUL): only the tab of
 * a folded header line and each line's own newline stay as they are.
 */
static void
cat_file(const char *path, int headers_only)
{
	FILE		*fp = fopen(path, "r");
	struct buf	 shown = { NULL, 0, 0 };
	char		*line = NULL;
	size_t		 cap = 0, len;
	ssize_t		 n;

	if (fp == NULL)
		return;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (headers_only && line[0] == '\n')
			break;
		len = (size_t)n;
		if (line[len - 1] == '\n')
			len--;
		shown.len = 0;
		if (visible_append(&shown, line, len, VISIBLE_KEEP_TAB) == 0)
			printf("%s%s", shown.data, len < (size_t)n ? "\n" : "");
	}
	buf_free(&shown);
	free(line);
	fclose(fp);
}

/* Finds message id in in/, out/ or bad/; its subdir, or NULL. */
static const char *
locate(struct runner *r, uint32_t id)
{
	static const char *const dirs[] = { "in", "out", "bad" };
	char		 path[PATH_MAX];
	struct stat	 st;

	for (size_t d = 0; d < 3; d++) {
		spool_path(path, sizeof(path), r->cf->spool, dirs[d], id, "WRK");
		if (stat(path, &st) == 0)
			return dirs[d];
	}
	return NULL;
}

int
cmd_show(struct runner *r, const char *arg)
{
	uint32_t	 id = parse_id(arg);
	const char	*subdir;
	char		 path[PATH_MAX];

	if (id == 0 || (subdir = locate(r, id)) == NULL) {
		fprintf(stderr, "spoolmgr: %s: no such message\n", arg);
		return EX_NOINPUT;
	}
	spool_path(path, sizeof(path), r->cf->spool, subdir, id, "WRK");
	printf("== envelope %s\n", path);
	cat_file(path, 0);
	spool_path(path, sizeof(path), r->cf->spool, subdir, id, "TXT");
	printf("== headers %s\n", path);
	cat_file(path, 1);
	return 0;
}
