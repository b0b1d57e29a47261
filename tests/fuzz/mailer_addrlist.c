/*
 * The RFC 5322 address-list parser of mailer -t (mailer/addrlist.c) fed
 * one field's value.  Besides the sanitizers it checks each address it
 * gives: non-empty, no control bytes (it becomes an RCPT TO line and an
 * envelope line), and, when it has an "@", something on both sides.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../mailer/addrlist.h"

static int
add(const char *addr, void *arg)
{
	const char	*at = strrchr(addr, '@');

	(*(int *)arg)++;
	if (addr[0] == '\0')
		fuzz_fail("address", "empty");
	for (const char *p = addr; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fuzz_fail("address has a control byte", addr);
	if (at != NULL && (at == addr || at[1] == '\0'))
		fuzz_fail("address with an empty side", addr);
	return 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*value = malloc(size + 1);
	int	 n = 0;

	if (value == NULL)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';	/* a header value is a C string there */
	addrlist_parse(value, add, &n);
	free(value);
	return 0;
}
