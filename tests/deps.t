#!/bin/bash
# SPDX-License-Identifier: ISC
# make check runs make deps first; with every package installed that
# must not call apt-get (a package build runs make's checks, and apt's
# lock may be anyone's): tools/deps.sh only asks dpkg.  apt-get is
# replaced by a stand-in that records its calls.
. "$(dirname "$0")/lib.sh"
plan 4

mkdir -p "$T/bin"
for tool in apt-get debconf-set-selections; do
	printf '#!/bin/sh\necho "%s $*" >> %s/calls\n' "$tool" "$T" > "$T/bin/$tool"
	chmod 755 "$T/bin/$tool"
done
touch "$T/calls"
chmod 666 "$T/calls"

PATH=$T/bin:$PATH sh "$TOP/tools/deps.sh" > "$T/out" 2>&1
ok $? "tools/deps.sh with everything installed: exit 0"
is "$(cat "$T/calls")" "" "and no apt-get, not even apt-get update"

# The same check finds a package that is missing, and (not root) says so
# without calling anything.
sed 's/^PACKAGES="/PACKAGES="smtpgate-no-such-package /' "$TOP/tools/deps.sh" > "$T/deps.sh"
chmod 644 "$T/deps.sh"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env PATH="$T/bin:$PATH" sh "$T/deps.sh" 2>&1)
like "$out" 'missing packages: smtpgate-no-such-package' "a missing package is named"
is "$(cat "$T/calls")" "" "by a user, without apt-get"
