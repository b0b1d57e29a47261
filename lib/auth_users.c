/* SPDX-License-Identifier: ISC */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "auth_users.h"
#include "text.h"

/* Hashed for an unknown login when the file is empty (see check). */
static const char decoy_hash[] =
    "$6$smtpgatedecoysal$QMUVr7ALVn/AyK/XdoZx7P3mDb0EuQTFukH0tBhjHWMoWLGrbPri"
    "3vYilOGdQTxWON2C32E8cpq3SgmYKFWBJ/";

/* Dovecot's "{SHA512-CRYPT}$6$..." is crypt(3)'s "$6$...": the scheme
 * name is dropped when it is one of the crypt family. */
static const char *
strip_scheme(const char *hash, char *why, size_t whylen)
{
	const char	*end;

	if (hash[0] != '{')
		return hash;
	if ((end = strchr(hash, '}')) == NULL || end - hash < 6 ||
	    strncmp(end - 5, "CRYPT", 5) != 0) {
		snprintf(why, whylen, "only crypt(3) hashes are understood "
		    "({CRYPT}, {SHA512-CRYPT}, {BLF-CRYPT}...)");
		return NULL;
	}
	return end + 1;
}

static int
add_user(struct auth_users *users, const char *login, const char *hash,
    char *why, size_t whylen)
{
	struct auth_user *grown;

	for (size_t i = 0; i < users->count; i++)
		if (strcmp(users->items[i].login, login) == 0) {
			snprintf(why, whylen, "%s: login listed twice", login);
			return -1;
		}
	grown = reallocarray(users->items, users->count + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	users->items = grown;
	grown += users->count;
	grown->login = strdup(login);
	grown->hash = strdup(hash);
	if (grown->login == NULL || grown->hash == NULL) {
		free(grown->login);
		free(grown->hash);
		return -1;
	}
	users->count++;
	return 0;
}

/* One line "login:hash[:more fields]"; blank and '#' lines are skipped. */
static int
parse_line(struct auth_users *users, char *line, char *why, size_t whylen)
{
	char		*login, *hash;
	const char	*bare;

	line = str_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	login = strsep(&line, ":");
	hash = line ? strsep(&line, ":") : NULL;
	if (*login == '\0' || hash == NULL || *hash == '\0') {
		snprintf(why, whylen, "expected login:hash");
		return -1;
	}
	if (strlen(login) > AUTH_LOGIN_MAX) {
		snprintf(why, whylen, "login longer than %d octets",
		    AUTH_LOGIN_MAX);
		return -1;
	}
	if ((bare = strip_scheme(hash, why, whylen)) == NULL)
		return -1;
	if (add_user(users, login, bare, why, whylen) != 0) {
		if (*why == '\0')
			snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

int
auth_users_parse(struct auth_users *users, const char *name,
    const char *text, size_t len, char *err, size_t errlen)
{
	char		*copy, *rest, *line, why[300];
	int		 lineno = 0, rc = 0;

	memset(users, 0, sizeof(*users));
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	rest = copy;
	while (rc == 0 && (line = strsep(&rest, "\n")) != NULL) {
		lineno++;
		why[0] = '\0';
		if (strlen(line) != (size_t)(rest ? rest - line - 1 :
		    copy + len - line))
			snprintf(why, sizeof(why), "NUL in the line");
		if (why[0] || parse_line(users, line, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			rc = -1;
		}
	}
	free(copy);
	if (rc != 0)
		auth_users_free(users);
	return rc;
}

/* The rest of fp into *text (not NUL-terminated); -1 on no memory. */
static int
read_whole(FILE *fp, char **text, size_t *len)
{
	char	 chunk[4096], *grown;
	size_t	 n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if ((grown = realloc(*text, *len + n)) == NULL)
			return -1;
		*text = grown;
		memcpy(*text + *len, chunk, n);
		*len += n;
	}
	return 0;
}

int
auth_users_load(struct auth_users *users, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	char	*text = NULL;
	size_t	 len = 0;
	int	 rc;

	memset(users, 0, sizeof(*users));
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = read_whole(fp, &text, &len);
	if (rc != 0 || ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, rc ? "out of memory" :
		    strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (rc == 0)
		rc = auth_users_parse(users, path, text ? text : "", len, err,
		    errlen);
	free(text);
	return rc;
}

void
auth_users_free(struct auth_users *users)
{
	for (size_t i = 0; i < users->count; i++) {
		explicit_bzero(users->items[i].hash,
		    strlen(users->items[i].hash));
		free(users->items[i].login);
		free(users->items[i].hash);
	}
	free(users->items);
	users->items = NULL;
	users->count = 0;
}

/* Non-zero when the len octets of a and b differ; the time taken depends on
 * len only, not on where they differ. */
static int
differ_in_constant_time(const char *a, const char *b, size_t len)
{
	volatile unsigned char	 diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff;
}

static const char *
find_hash(const struct auth_users *users, const char *login)
{
	for (size_t i = 0; i < users->count; i++)
		if (strcmp(users->items[i].login, login) == 0)
			return users->items[i].hash;
	return NULL;
}

enum auth_result
auth_users_check(const struct auth_users *users, const char *login,
    const char *password)
{
	struct crypt_data	*cd;
	const char		*want = find_hash(users, login), *got;
	const char		*decoy = users->count ? users->items[0].hash :
				    decoy_hash;
	enum auth_result	 rc = AUTH_FAIL;
	size_t			 len;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return AUTH_TEMPFAIL;
	/* An unknown login costs a hash as dear as a known one's (the
	 * first login's), so that the time taken does not tell. */
	got = crypt_r(password, want ? want : decoy, cd);
	/* A locked ("!...") or unknown kind of hash gives NULL or a
	 * string starting with '*': never a match. */
	if (got != NULL && want != NULL && got[0] != '*') {
		len = strlen(want);
		/* The hash's length is no secret; its bytes are compared
		 * in constant time. */
		if (strlen(got) == len &&
		    !differ_in_constant_time(got, want, len))
			rc = AUTH_OK;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}
