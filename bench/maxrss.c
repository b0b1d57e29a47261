/* SPDX-License-Identifier: ISC */
/*
 * maxrss OUTFILE CMD...: runs CMD (stdin, stdout and the environment passed
 * on, as tcpserver gives them) and writes its peak resident memory in KiB
 * to OUTFILE ("-" for stdout), from wait4's rusage: exact, not sampled.
 *
 * Linux keeps a process's peak across exec, so the launcher must be smaller
 * than what it measures: a Python or shell parent would report its own
 * size.  This one is a few hundred KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct rusage usage;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss OUTFILE CMD...\n");
		return 64;
	}
	pid = fork();
	if (pid == -1) {
		perror("maxrss: fork");
		return 71;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &usage) == -1) {
		perror("maxrss: wait4");
		return 71;
	}
	out = strcmp(argv[1], "-") == 0 ? stdout : fopen(argv[1], "w");
	if (out == NULL) {
		perror("maxrss: open");
		return 73;
	}
	fprintf(out, "%ld\n", usage.ru_maxrss);
	if (out != stdout)
		fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
