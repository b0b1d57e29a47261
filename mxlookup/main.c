/* SPDX-License-Identifier: ISC */
/*
 * mxlookup: prints the addresses to try for mail to a domain, in order,
 * one "PREFERENCE HOSTNAME ADDRESS" line each (see mxlookup(1)).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "config.h"
#include "mx.h"
#include "mx_impl.h"
#include "version.h"

#define USAGE "usage: mxlookup [-v] [-C file] [-s server[@port]] " \
	    "[-t seconds] domain\n"

struct args {
	const char	*conf;		/* -C, or NULL: the default file */
	const char	*server;	/* -s, or NULL: the config's resolver */
	int		 timeout;	/* -t, or 0: the config's dnstimeout */
	int		 verbose;	/* -v */
	const char	*domain;
};

static void
usage(void)
{
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

static void
print_note(const char *text)
{
	fprintf(stderr, "mxlookup: %s\n", text);
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	const char	*why;
	char		 addr[64];
	uint16_t	 port;
	int		 ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt(argc, argv, "C:s:t:v")) != -1) {
		switch (ch) {
		case 'C':
			a->conf = optarg;
			break;
		case 's':
			if ((why = mx_parse_server(optarg, addr, sizeof(addr),
			    &port)) != NULL) {
				warnx("-s %s: %s", optarg, why);
				usage();
			}
			a->server = optarg;
			break;
		case 't':
			a->timeout = (int)strtonum(optarg, 1, 3600, &why);
			if (why != NULL) {
				warnx("-t %s: seconds from 1 to 3600: %s",
				    optarg, why);
				usage();
			}
			break;
		case 'v':
			a->verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	a->domain = argv[optind];
}

/*
 * The resolver=, dnstimeout=, prefer= and hostname= of the config, under
 * the flags.
 */
static void
make_options(const struct args *a, const struct config *cf,
    struct mx_options *opt)
{
	char		 addr[64];
	const char	*why;
	uint16_t	 port;

	/* A bad value is a bad config, even when -s overrides it. */
	if (cf->resolver != NULL && (why = mx_parse_server(cf->resolver,
	    addr, sizeof(addr), &port)) != NULL)
		errx(EX_CONFIG, "%s: resolver: %s: %s", cf->path,
		    cf->resolver, why);
	memset(opt, 0, sizeof(*opt));
	opt->server = a->server ? a->server : cf->resolver;
	opt->timeout = a->timeout ? a->timeout : (int)cf->dnstimeout;
	opt->prefer_ipv4 = cf->prefer != NULL &&
	    strcmp(cf->prefer, "ipv4") == 0;
	opt->note = a->verbose ? print_note : NULL;
	opt->hostname = cf->hostname;
}

static int
exit_code(enum mx_status st)
{
	switch (st) {
	case MX_OK:		return EX_OK;
	case MX_NOHOST:		return EX_NOHOST;
	/* RFC 7505: told apart from NXDOMAIN, for the 5.1.10 of a DSN */
	case MX_NULLMX:		return EX_UNAVAILABLE;
	case MX_TEMPFAIL:	return EX_TEMPFAIL;
	case MX_BADNAME:	return EX_DATAERR;
	case MX_LOOP:		return EX_PROTOCOL;
	}
	return EX_SOFTWARE;
}

int
main(int argc, char **argv)
{
	struct args		 a;
	struct config		 cf;
	struct mx_options	 opt;
	struct mx_list		 list;
	enum mx_status		 st;
	char			 why[1024];
	size_t			 i;

	version_option(argc, argv, "mxlookup");
	parse_args(argc, argv, &a);
	if (config_load(&cf, a.conf, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	make_options(&a, &cf, &opt);
	st = mx_lookup(a.domain, &opt, &list, why, sizeof(why));
	if (st != MX_OK)
		errx(exit_code(st), "%s: %s", a.domain, why);
	for (i = 0; i < list.count; i++)
		printf("%d %s %s\n", list.hosts[i].preference,
		    list.hosts[i].name, list.hosts[i].address);
	mx_list_free(&list);
	config_free(&cf);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(EX_IOERR, "stdout");
	return EX_OK;
}
