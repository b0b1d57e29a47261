/* `spoolmgr list` (like mailq) and `spoolmgr show ID`. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "spool.h"
#include "spoolmgr.h"

void
json_string(struct buf *b, const char *s)
{
	buf_append(b, "\"", 1);
	for (; s && *s; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_append(b, s, 1);
	}
	buf_append(b, "\"", 1);
}

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
	json_string(&b, env->sender);
	buf_printf(&b, ",\"recipients\":[");
	for (size_t i = 0; i < env->nrcpts; i++) {
		queue_get_state(env, env->rcpts[i].addr, &st);
		buf_printf(&b, "%s{\"address\":", i ? "," : "");
		json_string(&b, env->rcpts[i].addr);
		buf_printf(&b, ",\"state\":\"%s\",\"tries\":%d,\"last\":%lld,"
		    "\"next\":%lld,\"reply\":", queue_state_name(st.state),
		    st.tries, (long long)st.last, (long long)st.next);
		json_string(&b, st.reply);
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
	char			 age[16], next[16];

	format_age(r->now - env->date, age, sizeof(age));
	printf("%-10lu %-3s %5s %8lld  <%s>\n", (unsigned long)env->id, subdir,
	    age, size, env->sender);
	for (size_t i = 0; i < env->nrcpts; i++) {
		queue_get_state(env, env->rcpts[i].addr, &st);
		printf("%21s%-9s <%s>", "", queue_state_name(st.state),
		    env->rcpts[i].addr);
		if (st.state == RCPT_DEFERRED) {
			format_age(st.next - r->now, next, sizeof(next));
			printf(" (tries %d, next in %s)", st.tries, next);
		}
		if (st.reply[0])
			printf("\n%31s%s", "", st.reply);
		printf("\n");
	}
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

static void
cat_file(const char *path, int headers_only)
{
	FILE	*fp = fopen(path, "r");
	char	*line = NULL;
	size_t	 cap = 0;

	if (fp == NULL)
		return;
	while (getline(&line, &cap, fp) > 0) {
		if (headers_only && line[0] == '\n')
			break;
		fputs(line, stdout);
	}
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
