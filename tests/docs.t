#!/bin/bash
# SPDX-License-Identifier: ISC
# What the README and the manuals tell an administrator must agree with
# each other and with the code (issue 9, defect 14): one inetd line, the
# crontab file the cron line (which has a user field) belongs in, TLS
# keys that say honestly whether anything uses them, and the design
# document the README points to.
. "$(dirname "$0")/lib.sh"
plan 10

man_text() { MANWIDTH=200 mandoc -Tascii "$TOP/man/$1" | col -b; }

readme_inetd=$(grep -E '^    smtp stream tcp ' "$TOP/README.md" | sed 's/^ *//')
man_inetd=$(man_text smtpd.8 | grep -E '^[[:space:]]*smtp stream tcp ' | sed 's/^[[:space:]]*//')
like "$readme_inetd" 'nowait' "the README has an inetd line"
is "$readme_inetd" "$man_inetd" "README and smtpd(8) give the same inetd line"
readme_465=$(grep -E '^    submissions stream tcp ' "$TOP/README.md" | sed 's/^ *//')
man_465=$(man_text smtpd.8 | grep -E '^[[:space:]]*submissions stream tcp ' | sed 's/^[[:space:]]*//')
like "$man_465" "^submissions stream tcp nowait\\.[0-9]+ root .*smtpd -T -C " \
    "smtpd(8) has an inetd line for port 465, with -T"
is "$readme_465" "$man_465" "README and smtpd(8) give the same line for 465"

# the paragraph before the cron line names a system crontab
cron_para() { awk -v RS= '/\* \* \* \* \* smtpgate /{print prev} {prev=$0}' ; }
like "$(cron_para < "$TOP/README.md")" '/etc/cron\.d/smtpgate' \
    "README: the cron line is for /etc/cron.d/smtpgate (or /etc/crontab)"
like "$(man_text spoolmgr.8 | grep -B8 '\* \* \* \* \* smtpgate ' | tr '\n' ' ')" \
    '/etc/cron\.d/smtpgate.*/etc/crontab' \
    "spoolmgr(8): the same crontab files"

# tlscert/tlskey: smtpd offers STARTTLS with them (issue 11), and the
# manual says so instead of calling them reserved
tls=$(man_text smtpgate.conf.5 | grep -A8 'tlscert=' | tr '\n' ' ')
like "$tls" '^ *tlscert=file, tlskey=file[[:space:]]+A PEM certificate chain.*STARTTLS' \
    "smtpgate.conf(5): tlscert/tlskey are STARTTLS's chain and key"

link=$(grep -o '(docs/DESIGN\.md)' "$TOP/README.md" | head -1)
is "$link" "(docs/DESIGN.md)" "the README points to docs/DESIGN.md"
test -s "$TOP/docs/DESIGN.md"
ok $? "docs/DESIGN.md exists"
missing=
for name in smtpd mxlookup mailer spoolmgr 'smtpgate-spool(5)' \
    'smtpgate.conf(5)' 'N.CMD' 'N.TMP' 'RECIPIENT ok|defer|fail' \
    'PREFERENCE HOSTNAME ADDRESS' 'journal/YYYY-MM-DD'; do
	grep -qF -- "$name" "$TOP/docs/DESIGN.md" || missing="$missing $name"
done
is "$missing" "" "DESIGN.md names the programs, the spool, the interfaces and the journal"
