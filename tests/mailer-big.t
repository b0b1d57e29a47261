#!/bin/bash
# SPDX-License-Identifier: ISC
# A 50 MiB message streamed in constant memory, through smtp-sink, from a
# file and from a pipe; it arrives byte for byte.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 6

conf "$T/c.conf"
# 50 MiB of 100-octet lines, some starting with a dot, some 8-bit.
python3 - "$T/msg.big" <<'PY'
import sys
line = b"x" * 90
with open(sys.argv[1], "wb") as f:
    f.write(b"Subject: big\n\n")
    for i in range(50 * 1024 * 1024 // 100):
        lead = b"." if i % 7 == 0 else (b"\xe9" if i % 11 == 0 else b"y")
        f.write(lead + b"%08d" % i + line + b"\n")
PY
size=$(stat -c %s "$T/msg.big")
ok "$([ "$size" -ge 52428800 ]; echo $?)" "the message is 50 MiB ($size octets)"

P=$(free_port)
sink big "127.0.0.1:$P"
/usr/bin/time -f %M -o "$T/rss" "$MAILER" -x -C "$T/c.conf" -f s@client.test \
    -h "127.0.0.1:$P" a@x.test < "$T/msg.big" > "$T/out"
is "$(cat "$T/out")" "a@x.test ok 250 2.0.0 Ok" "50 MiB delivered"
rss=$(tail -1 "$T/rss")
ok "$([ "$rss" -lt 20480 ]; echo $?)" "max RSS stays small: ${rss} KiB"
f=$(kept_file big)
# smtp-sink writes one LF after the message: leave it out
sed -n '/^Subject: big$/,$p' "$f" | head -c "$size" | cmp -s - "$T/msg.big"
ok $? "it arrived byte for byte"

# From a pipe mailer keeps a copy on disk, not in memory.
rm -f "$T"/big/*
cat "$T/msg.big" | /usr/bin/time -f %M -o "$T/rss2" "$MAILER" -x -C "$T/c.conf" \
    -f s@client.test -h "127.0.0.1:$P" a@x.test > "$T/out2"
is "$(cat "$T/out2")" "a@x.test ok 250 2.0.0 Ok" "50 MiB from a pipe delivered"
rss=$(tail -1 "$T/rss2")
ok "$([ "$rss" -lt 20480 ]; echo $?)" "from a pipe too, max RSS small: ${rss} KiB"
