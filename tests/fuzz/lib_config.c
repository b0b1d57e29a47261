/* SPDX-License-Identifier: ISC */
/*
 * The smtpgate.conf(5) reader (lib/config.c) fed a file's text, and the
 * questions every program asks of what it read.  Besides the sanitizers
 * it checks that a refused file says where ("file:line: key: why") and
 * that an accepted one has its numbers within their documented bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[256];
	struct config	 cf;
	char		 err[1024];

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/smtpgate.conf", fuzz_scratch());
	fuzz_write_file(path, data, size);
	if (config_load(&cf, path, err, sizeof(err)) != 0) {
		if (strstr(err, path) == NULL)
			fuzz_fail("a refused configuration does not say which "
			    "file", err);
		/* what was read before the bad line stays (smtpd logs to
		 * its logfile=): the caller frees it */
		config_free(&cf);
		return 0;
	}
	if (cf.hostname == NULL || cf.spool == NULL || cf.mailroot == NULL ||
	    cf.user == NULL || cf.aliases == NULL || cf.mxlookup == NULL ||
	    cf.mailer == NULL || cf.prefer == NULL || cf.maxsize < 1024 ||
	    cf.maxrcpt < 100 || cf.maxerrors < 1 || cf.timeout < 1 ||
	    cf.retrymin < 0 || cf.retrymax < 0 || cf.queuelife < 60)
		fuzz_fail("configuration", "a value out of its bounds");
	config_is_local(&cf, "example.test");
	config_is_local(&cf, "EXAMPLE.test.");
	cidr_list_match(&cf.relayclients, "127.0.0.1");
	cidr_list_match(&cf.relayclients, "2001:db8::1");
	config_free(&cf);
	return 0;
}
