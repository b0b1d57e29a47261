/* SPDX-License-Identifier: ISC */
/*
 * spoolmgr: the queue runner and queue tools; see spoolmgr(8).
 * Each command's handler gets argv with argv[0] its own name.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "privs.h"
#include "spoolmgr.h"
#include "version.h"

#define USAGE "usage: spoolmgr [-C conf] [-j] run | list | show ID | " \
	"delete ID | retry [ID|DOMAIN] | stats |\n" \
	"                trace ID|MESSAGE-ID|ADDRESS | health [-w AGE] [-c AGE]\n"

struct command {
	const char	*name;
	int		 minargs, maxargs;
	int		 (*run)(struct runner *, int json, int argc, char **argv);
};

static int
do_run(struct runner *r, int json, int argc, char **argv)
{
	(void)json, (void)argc, (void)argv;
	return cmd_run(r);
}

static int
do_list(struct runner *r, int json, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_list(r, json);
}

static int
do_show(struct runner *r, int json, int argc, char **argv)
{
	(void)json, (void)argc;
	return cmd_show(r, argv[1]);
}

static int
do_delete(struct runner *r, int json, int argc, char **argv)
{
	(void)json, (void)argc;
	return cmd_delete(r, argv[1]);
}

static int
do_retry(struct runner *r, int json, int argc, char **argv)
{
	(void)json;
	return cmd_retry(r, argc > 1 ? argv[1] : NULL);
}

static int
do_stats(struct runner *r, int json, int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_stats(r, json);
}

static int
do_trace(struct runner *r, int json, int argc, char **argv)
{
	(void)argc;
	return cmd_trace(r, argv[1], json);
}

static int
do_health(struct runner *r, int json, int argc, char **argv)
{
	long long	 warn = 3600, crit = 4 * 3600;
	int		 ch;

	optind = 0;	/* argv[0] is the command's name here */
	while ((ch = getopt(argc, argv, "c:jw:")) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'w' && (warn = parse_duration(optarg)) >= 0)
			continue;
		else if (ch == 'c' && (crit = parse_duration(optarg)) >= 0)
			continue;
		else {
			fputs(USAGE, stderr);
			return 3;	/* UNKNOWN to a monitoring system */
		}
	}
	return cmd_health(r, json, warn, crit);
}

static const struct command commands[] = {
	{ "run",	0, 0, do_run },
	{ "list",	0, 0, do_list },
	{ "show",	1, 1, do_show },
	{ "delete",	1, 1, do_delete },
	{ "retry",	0, 1, do_retry },
	{ "stats",	0, 0, do_stats },
	{ "trace",	1, 1, do_trace },
	{ "health",	0, 5, do_health },
};

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* -j may also follow the command: "spoolmgr list -j". */
static int
take_json_flag(int *argc, char **argv)
{
	int	 found = 0, out = 0;

	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "-j") == 0)
			found = 1;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	return found;
}

int
main(int argc, char **argv)
{
	struct config		 cf;
	struct runner		 r;
	const struct command	*cmd;
	const char		*confpath = NULL;
	char			 err[1024];
	int			 ch, json = 0;

	version_option(argc, argv, "spoolmgr");
	while ((ch = getopt(argc, argv, "+C:j")) != -1) {
		if (ch == 'C')
			confpath = optarg;
		else if (ch == 'j')
			json = 1;
		else {
			fputs(USAGE, stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (cmd = find_command(argv[0])) == NULL) {
		fputs(USAGE, stderr);
		return EX_USAGE;
	}
	if (strcmp(cmd->name, "health") != 0)
		json |= take_json_flag(&argc, argv);
	if (argc - 1 < cmd->minargs || argc - 1 > cmd->maxargs) {
		fputs(USAGE, stderr);
		return EX_USAGE;
	}
	if (config_load(&cf, confpath, err, sizeof(err)) != 0)
		errx(EX_CONFIG, "%s", err);
	if (privs_drop(cf.user, cf.group, err, sizeof(err)) != 0)
		errx(EX_NOPERM, "%s", err);
	/* after the drop: the log is the gateway's user's to open and to
	 * create, so a name planted in its directory gains nothing */
	log_open("spoolmgr", cf.logfile);
	if (log_file_problem() != NULL)
		warnx("logfile %s: not used: %s; logging to syslog",
		    cf.logfile, log_file_problem());
	memset(&r, 0, sizeof(r));
	r.cf = &cf;
	r.confpath = confpath;
	r.now = time(NULL);
	ch = cmd->run(&r, json, argc, argv);
	config_free(&cf);
	return ch;
}
