/*
 * The envelope of a spooled message: the N.CMD / N.WRK file of
 * smtpgate-spool(5).  "Key: value" lines; From and the To lines first.
 */
#ifndef SMTPGATE_ENVELOPE_H
#define SMTPGATE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct recipient {
	char	*addr;		/* local@domain, without brackets */
	char	*notify;	/* DSN NOTIFY value, or NULL */
	char	*orcpt;		/* DSN ORCPT (addr-type;value), canonical as
				   lib/dsnparam.h makes it, or NULL */
};

struct extra_line {
	char	*key;
	char	*value;
};

struct envelope {
	char			*sender;	/* "" is the null reverse-path */
	struct recipient	*rcpts;
	size_t			 nrcpts;
	uint32_t		 id;
	time_t			 date;		/* when accepted, epoch */
	char			*client;	/* peer address, or "local" */
	char			*helo;
	long long		 size;		/* SIZE= declared, or -1 */
	char			*body;		/* 7BIT, 8BITMIME, or NULL */
	char			*ret;		/* FULL, HDRS, or NULL */
	char			*envid;		/* DSN ENVID, or NULL */
	int			 smtputf8;
	/* keys this code does not know (for example recipient state in
	 * out/), kept in order so that a rewrite loses nothing */
	struct extra_line	*extra;
	size_t			 nextra;
};

void	envelope_init(struct envelope *env);
void	envelope_free(struct envelope *env);
/* Adds a recipient; notify and orcpt may be NULL.  -1 on no memory. */
int	envelope_add_rcpt(struct envelope *env, const char *addr,
	    const char *notify, const char *orcpt);
int	envelope_add_extra(struct envelope *env, const char *key,
	    const char *value);
/* Renders the file's text into a malloc'd string; NULL on no memory. */
char	*envelope_format(const struct envelope *env, size_t *len);
/* Parses a file's text; -1 with a reason in err on malformed input. */
int	envelope_parse(struct envelope *env, const char *text, size_t len,
	    char *err, size_t errlen);
/* Reads and parses a file. */
int	envelope_read(struct envelope *env, const char *path, char *err,
	    size_t errlen);

#endif
