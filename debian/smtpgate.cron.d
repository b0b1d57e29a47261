# SPDX-License-Identifier: ISC
# /etc/cron.d/smtpgate: the queue runner, every minute, as the gateway's
# user (spoolmgr(8)).  A run that finds another still busy exits quietly.
# The -x test keeps cron quiet once the package is removed but not purged
# (this file, a conffile, stays until purge).
* * * * * smtpgate [ ! -x /usr/sbin/spoolmgr ] || /usr/sbin/spoolmgr run
