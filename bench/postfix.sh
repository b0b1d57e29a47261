# SPDX-License-Identifier: ISC
# A private Postfix for bench/run.sh (sourced after tests/postfix-env.sh;
# not run on its own).
#
# postfix_config DIR PORT VMAIL [RELAYPORT] writes DIR/main.cf and DIR/master.cf for an
# instance whose smtpd listens on 127.0.0.1:PORT and accepts mail for
# user@bench.test from 127.0.0.0/8 into its own queue under DIR/queue.
# With RELAYPORT, mail for any other domain goes through the relayhost
# [127.0.0.1]:RELAYPORT (smtp-sink, for the drain measure), by Postfix's
# smtp(8) client with its stock settings (concurrency, connection cache).
# Every message is put on hold as it arrives (a HOLD action in the
# recipient restrictions), so that nothing is delivered while receiving is
# measured; `postsuper -H ALL` releases them later to the virtual(8)
# delivery agent, which writes Maildir files under VMAIL as uid 65534.
#
# Settings that differ from a stock Postfix, and why:
#   smtpd_peername_lookup = no   smtpgate's smtpd does no reverse DNS
#   in_flow_delay = 0s           held mail never reaches qmgr, so cleanup
#                                would wait for flow tokens that never come
#   message_size_limit           30 MB, above the 20 MiB memory measure
#   chroot off, maillog_file     as in the tests (PEERS.md)

postfix_config() {
	local dir=$1 port=$2 vmail=$3 relay=${4:-}
	mkdir -p "$dir" "$vmail"
	chown nobody:nogroup "$vmail"
	{
		postfix_main_cf "$dir" bench.postfix.test
		cat <<EOF
mynetworks = 127.0.0.0/8
local_recipient_maps =
smtpd_peername_lookup = no
in_flow_delay = 0s
message_size_limit = 31457280
smtpd_recipient_restrictions = check_client_access static:HOLD
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $vmail
virtual_mailbox_maps = static:bench.test/user/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
EOF
	} > "$dir/main.cf"
	[ -z "$relay" ] || echo "relayhost = [127.0.0.1]:$relay" >> "$dir/main.cf"
	postfix_master_cf "$port" > "$dir/master.cf"
}

# postfix_master_pid DIR: the pid of the instance's master, if it runs.
postfix_master_pid() {
	local f=$1/queue/pid/master.pid
	[ -r "$f" ] && tr -d ' \n' < "$f"
}

# postfix_held DIR: the number of messages in the hold queue.
postfix_held() {
	find "$1/queue/hold" -type f 2> /dev/null | wc -l | tr -d ' '
}

# postfix_queued DIR: the messages anywhere in the queue (held or not).
postfix_queued() {
	find "$1/queue/maildrop" "$1/queue/incoming" "$1/queue/active" \
	    "$1/queue/deferred" "$1/queue/hold" -type f 2> /dev/null | wc -l | tr -d ' '
}

# postfix_hwm DIR NAME: the largest VmHWM (peak RSS, KiB) among the
# master's children called NAME (smtpd, cleanup).  Postfix keeps its
# processes for the next client, so the peak outlives the session.
postfix_hwm() {
	local m p v max=0
	m=$(postfix_master_pid "$1") || return 0
	for p in $(pgrep -P "$m" -x "$2"); do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2> /dev/null)
		[ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
	done
	echo "$max"
}
