#!/bin/sh
# SPDX-License-Identifier: ISC
# Install, from Debian's packages, whatever smtpgate needs to build, test
# and demo that is not installed yet.  Idempotent: when nothing is missing
# it does nothing, not even apt-get update.  `deps.sh package` does the
# same for `make deb` and `make package-check` (tools/package-root.sh).
set -eu

# clang with libclang-rt-14-dev: the libFuzzer harnesses (-fsanitize=fuzzer);
# devscripts: hardening-check (installed without its many recommends).
PACKAGES="build-essential pkg-config clang libclang-rt-14-dev libldns-dev s-nail bsd-mailx
libbsd-dev libssl-dev libcmocka-dev mandoc openbsd-inetd ucspi-tcp swaks python3
postfix nsd ldnsutils dovecot-imapd dovecot-pop3d openssl strace perl systemd bc msmtp
procps libwrap0 libtirpc3 libselinux1 devscripts cron unbound python3-aiosmtpd"
# make deb (the Build-Depends of debian/control, dpkg-buildpackage,
# lintian) and make package-check (debootstrap, and the host's swaks,
# python3 and prove that talk to the installed package).
PACKAGE_PACKAGES="build-essential dpkg-dev debhelper lintian debootstrap pkg-config
libldns-dev libbsd-dev libssl-dev libcmocka-dev mandoc swaks python3 perl"

# xinetd cannot be installed beside openbsd-inetd (Debian lets one inet
# super-server in), yet the tests run both, privately, in the foreground:
# xinetd's binary is unpacked from its package here, not installed.
# tests/smtpd-xinetd.t looks for it at this path.
XINETD_ROOT=/opt/smtpgate-test/xinetd

if [ "${1:-}" = package ]; then
	PACKAGES=$PACKAGE_PACKAGES
fi
missing=""
for pkg in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $pkg"
	fi
done
need_xinetd=""
[ "${1:-}" = package ] || [ -x "$XINETD_ROOT/usr/sbin/xinetd" ] ||
    need_xinetd=yes
[ -z "$missing" ] && [ -z "$need_xinetd" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing${need_xinetd:+ xinetd (unpacked)} (run make deps as root)" >&2
	exit 1
fi

# The daemons among these (postfix, inetd, nsd, dovecot) must not start
# system-wide: the tests run their own instances on loopback ports, and a
# system postfix would hold port 25.
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=yes
fi
trap '[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
echo "postfix postfix/mailname string smtpgate.test" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
[ -z "$missing" ] || apt-get install -y -q --no-install-recommends $missing

if [ -n "$need_xinetd" ]; then
	debs=$(mktemp -d)
	chown _apt "$debs" 2>/dev/null || true	# apt downloads as _apt
	(cd "$debs" && apt-get download -q xinetd)
	mkdir -p "$XINETD_ROOT"
	dpkg-deb -x "$debs"/xinetd_*.deb "$XINETD_ROOT"
	rm -rf "$debs"
fi
