# SPDX-License-Identifier: ISC
# Helpers of the mailer tests: smtp-sink instances and a mailer config.
# Source after lib.sh.
MAILER=$TOP/mailer/mailer

# sink NAME ADDR:PORT [smtp-sink flags...]: a sink keeping each
# transaction as a file under $T/NAME
sink() {
	local name=$1 where=$2
	shift 2
	mkdir -p "$T/$name"
	chown nobody "$T/$name"
	bg smtp-sink -u nobody -d "$T/$name/%M%S." "$@" "$where" 64
	local host=${where%:*} port=${where##*:}
	host=${host#[}
	host=${host%]}
	wait_port "$host" "$port"
}

# kept NAME: how many transactions sink NAME kept
kept() {
	find "$T/$1" -type f | wc -l | tr -d ' '
}

# the one file sink NAME kept (waits for it a little)
kept_file() {
	wait_for 5 sh -c "[ \$(find '$T/$1' -type f | wc -l) -ge 1 ]"
	find "$T/$1" -type f | head -1
}

# conf FILE [key=value...]: a mailer config in $T
conf() {
	local f=$1
	shift
	{
		echo "hostname=client.test"
		echo "logfile=$T/mailer.log"
		echo "connecttimeout=5"
		for kv in "$@"; do echo "$kv"; done
	} > "$f"
	# the gateway's user's to write: root never creates a log file
	touch "$T/mailer.log"
	chown nobody "$T/mailer.log"
}
