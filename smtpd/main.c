/* SPDX-License-Identifier: ISC */
/*
 * smtpd: one SMTP session on fd 0 and 1, as inetd, xinetd, tcpserver or
 * a systemd socket (Accept=yes) hand it over.  This file does the I/O
 * around the protocol engine (session.c).  It never writes to stderr:
 * under inetd fd 2 is the client's socket too.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "aliases.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "io.h"
#include "log.h"
#include "privs.h"
#include "session.h"
#include "tls.h"
#include "version.h"

#define USAGE	"usage: smtpd [-S] [-T] [-C conf]"

/* What start() found on the command line and in the configuration. */
struct startup {
	int		 implicit_tls;		/* -T */
	struct tls_server tls;
	int		 tls_offer;		/* TLS_OFFER_* */
	char		 tls_problem[600];	/* logged once the log is open */
	char		 tls_warning[600];
	int		 submission;		/* -S */
	struct auth_setup auth;			/* its check NULL: no AUTH */
};

/*
 * Refuses the connection the only way smtpd can: a 421 to the client.
 * Still root here, perhaps: log_open then appends only to a log file
 * that exists and is fit, and never creates one.
 */
static void __attribute__((noreturn))
refuse(int status, const char *logfile, const char *why)
{
	static const char text[] =
	    "421 4.3.0 mail service unavailable (configuration error)\r\n";

	log_open("smtpd", logfile);
	log_error("%s", why);
	(void)io_write_all(1, text, sizeof(text) - 1, 10);
	exit(status);
}

static void
unmap_v4(char *addr)
{
	if (strncmp(addr, "::ffff:", 7) == 0 && strchr(addr + 7, '.'))
		memmove(addr, addr + 7, strlen(addr + 7) + 1);
}

/* TCPREMOTEIP (ucspi-tcp), else the socket's peer, else "local". */
static void
client_address(char *out, size_t outlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	const char		*env = getenv("TCPREMOTEIP");
	unsigned char		 bin[16];
	const void		*addr = NULL;

	if (env && (inet_pton(AF_INET, env, bin) == 1 ||
	    inet_pton(AF_INET6, env, bin) == 1)) {
		strlcpy(out, env, outlen);
		unmap_v4(out);
		return;
	}
	strlcpy(out, "local", outlen);
	if (getpeername(0, (struct sockaddr *)&ss, &sslen) != 0)
		return;
	if (ss.ss_family == AF_INET)
		addr = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		addr = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	if (addr == NULL ||
	    inet_ntop(ss.ss_family, addr, out, (socklen_t)outlen) == NULL)
		strlcpy(out, "local", outlen);
	unmap_v4(out);
}

/*
 * tlscert and tlskey into memory, while still root.  A file that cannot
 * be read leaves STARTTLS unoffered (said in the log), and -T refused.
 */
static void
read_tls_files(const struct config *cf, struct startup *st)
{
	st->tls_offer = TLS_OFFER_NONE;
	if (cf->tlscert == NULL || cf->tlskey == NULL) {
		if (st->implicit_tls)
			refuse(EX_CONFIG, cf->logfile, "-T needs tlscert and "
			    "tlskey in the configuration");
		return;
	}
	if (tls_server_files(&st->tls, cf->tlscert, cf->tlskey,
	    st->tls_problem, sizeof(st->tls_problem), st->tls_warning,
	    sizeof(st->tls_warning)) == 0) {
		st->tls_offer = TLS_OFFER_YES;
		return;
	}
	if (st->implicit_tls)
		refuse(EX_CONFIG, cf->logfile, st->tls_problem);
	st->tls_offer = TLS_OFFER_BROKEN;
}

static void
start(int argc, char **argv, struct config *cf, struct aliases *al,
    struct startup *st)
{
	const char	*conf = NULL;
	char		 err[1024];
	int		 ch;

	opterr = 0;	/* getopt must not write to fd 2, the client */
	while ((ch = getopt(argc, argv, "C:ST")) != -1) {
		if (ch == 'C')
			conf = optarg;
		else if (ch == 'T')
			st->implicit_tls = 1;
		else if (ch == 'S')
			st->submission = 1;
		else
			refuse(EX_USAGE, NULL, USAGE);
	}
	if (optind != argc)
		refuse(EX_USAGE, NULL, USAGE);
	if (config_load(cf, conf, err, sizeof(err)) != 0)
		refuse(EX_CONFIG, cf->logfile, err);
	if (aliases_load(al, cf->aliases, err, sizeof(err)) != 0)
		refuse(EX_CONFIG, cf->logfile, err);
	read_tls_files(cf, st);
	/* authusers= may be root's alone: read while still root */
	if (auth_setup_load(&st->auth, cf, err, sizeof(err)) < 0)
		refuse(EX_CONFIG, cf->logfile, err);
	if (st->submission && st->auth.check == NULL)
		refuse(EX_CONFIG, cf->logfile, "-S needs AUTH: set authusers "
		    "or dovecotauth in the configuration");
#ifdef SMTPD_STATIC
	/* a static program looks users up with whatever NSS modules the
	 * installed glibc has: it may crash in them (make smtpd-static) */
	if (getuid() == 0 || geteuid() == 0)
		refuse(EX_CONFIG, cf->logfile, "this statically linked smtpd "
		    "must be started as its user (inetd.conf's user field, "
		    "tcpserver -u -g), never as root");
#endif
	if (privs_drop(cf->user, cf->group, err, sizeof(err)) != 0)
		refuse(EX_CONFIG, cf->logfile, err);
	if (getuid() == 0 || geteuid() == 0)
		refuse(EX_CONFIG, cf->logfile, "refusing to run as root: set "
		    "user= in the configuration");
	/* The key or authusers' hashes are in memory: no core file, no
	 * ptrace by the gateway's other processes (whatever
	 * fs.suid_dumpable says). */
#ifdef PR_SET_DUMPABLE
	if (st->tls_offer == TLS_OFFER_YES || st->auth.check != NULL)
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	/* Only now, as the gateway's user: a name planted in the log's
	 * directory can lead it only where that user may write anyway.
	 * A log that cannot be used is said on syslog (never on fd 2). */
	log_open("smtpd", cf->logfile);
	if (st->tls_offer == TLS_OFFER_BROKEN)
		log_error("%s: STARTTLS not offered", st->tls_problem);
	if (st->tls_warning[0])
		log_warn("%s", st->tls_warning);
	if (st->auth.warning[0])
		log_warn("%s", st->auth.warning);
}

int
main(int argc, char **argv)
{
	struct config	 cf;
	struct aliases	 al;
	struct session	 s;
	struct startup	 st;
	struct buf	 out = { NULL, 0, 0 };
	char		 client[INET6_ADDRSTRLEN + 8];
	int		 status;

	version_option(argc, argv, "smtpd");
	/* A client gone away is an EPIPE to handle, not a death with the
	 * message's files left in the spool. */
	signal(SIGPIPE, SIG_IGN);
	memset(&st, 0, sizeof(st));
	start(argc, argv, &cf, &al, &st);
	client_address(client, sizeof(client));
	session_init(&s, &cf, &al, client, &out);
	s.tls_offer = st.tls_offer;
	s.auth = st.auth.check ? &st.auth : NULL;
	s.submission = st.submission;
	session_greet(&s);
	status = session_serve_tls(&s, &out, &cf,
	    st.tls_offer == TLS_OFFER_YES ? &st.tls : NULL, st.implicit_tls);
	if (status == EX_OK && s.dropped)
		status = EX_TEMPFAIL;
	session_free(&s);
	tls_server_free(&st.tls);
	auth_setup_free(&st.auth);
	buf_free(&out);
	aliases_free(&al);
	config_free(&cf);
	return status;
}
