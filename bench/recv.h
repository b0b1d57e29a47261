/* SPDX-License-Identifier: ISC */
/*
 * The protocol work both minimal receivers share (bench/recv-common.c):
 * an SMTP session on stdin/stdout, one file per message text and one per
 * envelope in the current directory, each written, synced and renamed into
 * place, the directory synced after the renames -- the same disk work as
 * smtpd's spool, with nothing checked.  For bench/run.sh only.
 */
#ifndef RECV_H
#define RECV_H

/* Runs the session; returns the exit status. */
int recv_session(void);

#endif
