#!/bin/sh
# Install, from Debian's packages, whatever smtpgate needs to build, test
# and demo that is not installed yet.  Idempotent: when nothing is missing
# it does nothing, not even apt-get update.
set -eu

PACKAGES="build-essential pkg-config clang libldns-dev libbsd-dev libssl-dev
libcmocka-dev mandoc openbsd-inetd ucspi-tcp swaks python3 postfix nsd
ldnsutils dovecot-imapd dovecot-pop3d openssl strace perl xinetd systemd"

missing=""
for pkg in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $pkg"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run make deps as root)" >&2
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
apt-get install -y -q --no-install-recommends $missing
