#!/bin/bash
# SPDX-License-Identifier: ISC
# The README's "Installing a gateway" steps, followed literally as root in
# a scratch root ($T/root: /var/... becomes $T/root/var/..., /etc/...
# $T/root/etc/...; the user smtpgate becomes nobody), then a message for
# ann@example.org delivered by `spoolmgr run` started as root as cron
# does: it must land in ann's Maildir (issue 9, defect 11: `mkdir -p` as
# root made a mailbox the gateway's user could not fill).  A mailbox made
# root's all the same gets a complaint naming the directory and whose it
# must be.
. "$(dirname "$0")/lib.sh"
plan 9

R=$T/root
SPOOLMGR=$TOP/spoolmgr/spoolmgr
mkdir -p "$R/var/log" "$R/var/mail" "$R/var/spool" "$R/etc"

# steps FILE: the shell commands of the section, one a line: indented
# lines and `inline` commands that make directories or files
python3 - "$TOP/README.md" > "$T/steps" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## Installing a gateway"):text.index("### cron")]
lines, out = section.split("\n"), []
i = 0
while i < len(lines):
    line = lines[i]
    if line.startswith("    "):
        cmd = line.strip()
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1].rstrip() + " " + lines[i].strip()
        out.append(cmd)
    else:
        out += re.findall(r"`((?:mkdir|install|chown|chmod) [^`]*/[^`]*)`", line)
    i += 1
for cmd in out:
    if cmd.split()[0] in ("install", "mkdir", "chown", "chmod"):
        print(cmd)
PY
sed -i -e "s|/var/|$R/var/|g" -e "s|/etc/|$R/etc/|g" \
    -e 's/-o smtpgate/-o nobody/g' -e 's/-g smtpgate/-g nogroup/g' "$T/steps"
diag "the README's steps:"
while read -r line; do diag "  $line"; done < "$T/steps"
like "$(cat "$T/steps")" "install -d .*$R/var/mail/smtpgate/example.org/ann" \
    "the README makes ann's mailbox"
sh -e "$T/steps"
ok $? "the steps run as root"

# the minimal configuration, as the README gives it, with the paths
python3 - "$TOP/README.md" <<'PY' > "$T/smtpgate.conf"
import sys
text = open(sys.argv[1]).read()
block = text[text.index("A minimal `/etc/smtpgate/smtpgate.conf`"):]
block = block[block.index("\n\n") + 2:]
for line in block.split("\n"):
    if not line.startswith("    "):
        break
    print(line.strip())
PY
sed -i 's/^user=smtpgate$/user=nobody/' "$T/smtpgate.conf"
printf '%s\n' "spool=$R/var/spool/smtpgate" "mailroot=$R/var/mail/smtpgate" \
    "aliases=$T/aliases" "logfile=$R/var/log/smtpgate.log" \
    "mxlookup=$TOP/mxlookup/mxlookup" "mailer=$TOP/mailer/mailer" \
    >> "$T/smtpgate.conf"
echo "postmaster: ann" > "$T/aliases"
is "$(grep -c '^user=nobody$' "$T/smtpgate.conf")" 1 \
    "the README's configuration names the gateway's user"

python3 "$TOP/tests/spoolmgr-helper.py" queue "$R/var/spool/smtpgate" \
    sender@remote.test ann@example.org -s "after install" > /dev/null
err=$("$SPOOLMGR" -C "$T/smtpgate.conf" run 2>&1)
is "$err" "" "spoolmgr run (as root, becoming nobody) complains of nothing"
got=$(cat "$R"/var/mail/smtpgate/example.org/ann/new/* 2>/dev/null)
like "$got" 'Subject: after install 0' "the message is in ann's Maildir"
like "$(cat "$R/var/log/smtpgate.log" 2>/dev/null)" \
    'spoolmgr\[[0-9]+\]: message [0-9]+' "and spoolmgr logged to the README's log file"

# a mailbox made the old way, by root
mkdir -p "$R/var/mail/smtpgate/example.org/bob"
python3 "$TOP/tests/spoolmgr-helper.py" queue "$R/var/spool/smtpgate" \
    sender@remote.test bob@example.org > /dev/null
err=$("$SPOOLMGR" -C "$T/smtpgate.conf" run 2>&1)
want="spoolmgr: $R/var/mail/smtpgate/example.org/bob: Permission denied: must be writable by user nobody \\(owner root, mode 755\\)"
like "$err" "^$want\$" "a root-owned mailbox: stderr names the directory and whose it must be"
like "$("$SPOOLMGR" -C "$T/smtpgate.conf" list 2>&1)" \
    "451 4\\.3\\.0 Maildir $R/var/mail/smtpgate/example.org/bob: Permission denied: must be writable by user nobody \\(owner root, mode 755\\)" \
    "spoolmgr list shows the same as the recipient's last reply"
test -z "$(ls "$R/var/mail/smtpgate/example.org/bob")"
ok $? "and nothing was delivered there"
