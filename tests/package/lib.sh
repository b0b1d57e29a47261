# SPDX-License-Identifier: ISC
# Shared by tests/package/*.t (make package-check): the package, built by
# `make deb`, installed for real into a throwaway Debian 12 root.
#
# Each test runs itself again in its own mount, network, UTS and PID
# namespaces (unshare), mounts an overlay over the cached root that
# tools/package-root.sh made (so the cache is never changed), and runs
# dpkg and the package's programs there with chroot.  Port 25 and the
# host name are the namespace's own, loopback only; when the test ends,
# its PID namespace ends every process it started, and the mounts go
# with the namespace.  Source after tests/lib.sh.

# Run the calling test again inside fresh namespaces, once.
if [ -z "${SMTPGATE_PACKAGE_NS:-}" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root (namespaces, chroot, dpkg)"
		exit 0
	fi
	rm -rf "$T"	# the run inside makes its own
	trap - EXIT
	export SMTPGATE_PACKAGE_NS=1
	exec unshare --mount --net --uts --pid --fork --propagation private \
	    bash "$0" "$@"
fi

VERSION=$(cat "$TOP/VERSION")
# SMTPGATE_DEB: another package file to test (default: make deb's)
DEB=${SMTPGATE_DEB:-$(ls "$TOP"/build-deb/smtpgate_"$VERSION"_*.deb 2> /dev/null | head -n 1)}
if [ -z "$DEB" ]; then
	echo "Bail out! no build-deb/smtpgate_${VERSION}_*.deb: run make deb"
	exit 1
fi
BASE=$(sh "$TOP/tools/package-root.sh") || {
	echo "Bail out! no Debian 12 root (tools/package-root.sh)"
	exit 1
}
R=$T/root
HOST=gw.smtpgate.test

# The overlay and /proc are unmounted before lib.sh's cleanup removes
# $T (rm -rf must never reach through a mount), once the processes
# started in the root, which hold it busy, are gone.
package_cleanup() {
	local pid
	for pid in $_pids; do
		kill "$pid" 2> /dev/null
	done
	for pid in $_pids; do
		wait_for 5 eval "! kill -0 $pid 2> /dev/null"
	done
	umount -R "$R" 2> /dev/null || umount -R -l "$R" 2> /dev/null
	if mountpoint -q "$R" 2> /dev/null; then
		echo "# $R still mounted: $T kept" >&2
		T=/nonexistent
	fi
	cleanup
}
trap package_cleanup EXIT

mkdir -p "$R" "$T/upper" "$T/work"
mount -t overlay overlay \
    -o "lowerdir=$BASE,upperdir=$T/upper,workdir=$T/work" "$R" || {
	echo "Bail out! cannot mount the overlay over $BASE"
	exit 1
}
mount -t proc proc "$R/proc"
mount -t tmpfs tmpfs "$R/run"
# apt logs through a pseudo-terminal: the namespace's own
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"
mount --bind "$R/dev/pts/ptmx" "$R/dev/ptmx"
hostname "$HOST"
ip link set lo up

# in_root CMD...: CMD in the root as root, with the environment that
# dpkg and cron's jobs have, nothing of the test's.
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    HOME=/root LANG=C DEBIAN_FRONTEND=noninteractive "$@"
}

# as_user USER CMD...: CMD in the root as USER (and USER's groups), with
# cron's environment.
as_user() {
	local user=$1
	shift
	chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin SHELL=/bin/sh \
	    LOGNAME="$user" USER="$user" HOME=/ LANG=C \
	    setpriv --reuid="$user" --regid="$user" --init-groups "$@"
}

# install_package: apt installs the package file as the README says
# (apt-get install ./smtpgate_VERSION_ARCH.deb); its dependencies are
# in the root already, so nothing is downloaded.  Output in $T/apt.log.
install_package() {
	cp "$DEB" "$R/tmp/"
	in_root apt-get install -y -q \
	    "/tmp/$(basename "$DEB")" >> "$T/apt.log" 2>&1
}

# The cron job's command, as /etc/cron.d/smtpgate gives it: the fields
# after the five times and the user.
cron_user() { awk '!/^#/ && NF > 6 { print $6; exit }' "$R/etc/cron.d/smtpgate"; }
cron_command() {
	awk '!/^#/ && NF > 6 { $1 = $2 = $3 = $4 = $5 = $6 = ""; sub(/^ +/, ""); print; exit }' \
	    "$R/etc/cron.d/smtpgate"
}
run_cron_job() {
	as_user "$(cron_user)" /bin/sh -c "$(cron_command)"
}

# set_conf KEY=VALUE: the administrator's edit of smtpgate.conf
set_conf() {
	echo "$1" >> "$R/etc/smtpgate/smtpgate.conf"
}

# make_mailbox DOMAIN USER: as the README says
make_mailbox() {
	in_root install -d -o smtpgate -g smtpgate -m 750 "/var/mail/smtpgate/$1" &&
	    in_root install -d -o smtpgate -g smtpgate -m 700 "/var/mail/smtpgate/$1/$2"
}

# maildir_text DOMAIN USER: every message in the mailbox's new/
maildir_text() {
	cat "$R/var/mail/smtpgate/$1/$2"/new/* 2> /dev/null
}
