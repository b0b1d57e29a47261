/* SPDX-License-Identifier: ISC */
/*
 * The RFC 5322 address-list parser of mailer -t (mailer/addrlist.c) fed
 * one field's value.  Besides the sanitizers it checks each address it
 * gives: non-empty, no CR or LF (it becomes an envelope line; whether
 * it is a valid address is submit.c's to judge).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../mailer/addrlist.h"

static int
add(const char *addr, void *arg)
{
	(*(int *)arg)++;
	if (addr[0] == '\0')
		fuzz_fail("address", "empty");
	for (const char *p = addr; *p; p++)
		if (*p == '\r' || *p == '\n')
			fuzz_fail("address has a line break", addr);
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
