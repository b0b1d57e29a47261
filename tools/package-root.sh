#!/bin/sh
# SPDX-License-Identifier: ISC
# The throwaway Debian 12 root that `make package-check` installs the
# package into: debootstrap's minimal bookworm from Debian's mirror, with
# what the package depends on and the inetd and cron that it registers
# with, already installed.  Made once and cached (the tests mount an
# overlay over it, so it is never changed): about 280 MB and a few
# minutes the first time, nothing after.  Prints the root's path.
#   SMTPGATE_ROOT_CACHE  where roots are kept (/var/cache/smtpgate-test)
#   SMTPGATE_MIRROR      the mirror (http://deb.debian.org/debian)
set -eu

CACHE=${SMTPGATE_ROOT_CACHE:-/var/cache/smtpgate-test}
MIRROR=${SMTPGATE_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# adduser, update-inetd, libssl3 and the shared libraries: the package's
# Depends (so that it installs without the network); openbsd-inetd, cron
# and logrotate: its Recommends, which the tests drive; netbase: the
# /etc/services that names port 25 "smtp" for inetd, as on any system.
INCLUDE=adduser,update-inetd,openbsd-inetd,netbase,cron,logrotate,libldns3,libbsd0,libssl3

# The list is part of the name: a new list makes a new root.
key=$(printf '%s %s %s' "$SUITE" "$MIRROR" "$INCLUDE" | md5sum | cut -c1-10)
ROOT=$CACHE/$SUITE-$key

if [ -x "$ROOT/usr/sbin/inetd" ] && [ -f "$ROOT/.complete" ]; then
	echo "$ROOT"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "package-root: debootstrap needs root" >&2
	exit 77
fi
command -v debootstrap > /dev/null || {
	echo "package-root: debootstrap is missing (make package-deps)" >&2
	exit 69
}
mkdir -p "$CACHE"
# One maker at a time; a second waits, then finds the root made.
exec 9> "$CACHE/.lock"
flock 9
if [ -f "$ROOT/.complete" ]; then
	echo "$ROOT"
	exit 0
fi
work=$(mktemp -d "$CACHE/making.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "package-root: debootstrap $SUITE into $ROOT (once; a few minutes)" >&2
debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" \
    "$MIRROR" > "$work/debootstrap.log" 2>&1 || {
	tail -n 30 "$work/debootstrap.log" >&2
	exit 1
}
chroot "$work/root" apt-get clean
# Daemons never start from maintainer scripts in the root: the tests
# start what they need themselves.
printf '#!/bin/sh\nexit 101\n' > "$work/root/usr/sbin/policy-rc.d"
chmod 755 "$work/root/usr/sbin/policy-rc.d"
touch "$work/root/.complete"
rm -rf "$ROOT"
mv "$work/root" "$ROOT"
echo "$ROOT"
