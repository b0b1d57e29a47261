/* SPDX-License-Identifier: ISC */
/*
 * The aliases reader (lib/aliases.c) fed a file's text, then asked the
 * questions smtpd and spoolmgr ask.  Besides the sanitizers it checks
 * that a refused file says where, and that every alias read has a
 * lower-case name and at least one non-empty target.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "aliases.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[256];
	struct aliases	 al;
	char		 err[1024];

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/aliases", fuzz_scratch());
	fuzz_write_file(path, data, size);
	if (aliases_load(&al, path, err, sizeof(err)) != 0) {
		if (strstr(err, path) == NULL)
			fuzz_fail("refused aliases do not say which file", err);
		return 0;
	}
	for (size_t i = 0; i < al.count; i++) {
		const struct alias *a = &al.items[i];

		for (const char *p = a->name; *p; p++)
			if (isupper((unsigned char)*p))
				fuzz_fail("alias name not lower case", a->name);
		if (a->name[0] == '\0' || a->targets[0] == NULL)
			fuzz_fail("alias", "empty name or no target");
		for (size_t t = 0; a->targets[t]; t++)
			if (a->targets[t][0] == '\0')
				fuzz_fail("alias has an empty target", a->name);
		aliases_lookup(&al, a->name, "example.test");
	}
	aliases_lookup(&al, "postmaster", "example.test");
	aliases_lookup(&al, "Sales", "Example.Test");
	aliases_free(&al);
	return 0;
}
