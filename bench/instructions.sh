#!/usr/bin/env bash
# User-space instructions per request of a server, counted by callgrind (repeatable on a busy
# machine, unlike wall-clock figures): runs SERVER twice under callgrind, once with 1 batch and
# once with 101 batches of PER pipelined requests to PATH (16 unless given), and prints the
# difference per request. PER=1 sends one request per write, as the non-pipelined tests do, so
# what every read and wake-up costs is counted per request too.
#
#   bench/instructions.sh target/release/techempower /plaintext
#   bench/instructions.sh /tmp/galaxy-bench-peers-target/release/limit /plaintext
#   bench/instructions.sh target/release/techempower /json 1
set -euo pipefail
server=$1 path=$2 per=${3:-16}
here=$(dirname "$0")
count() {
    local batches=$1 port=$((19000 + RANDOM % 500)) out
    out=$(mktemp)
    PORT=$port THREADS=1 DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1/hello_world} \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$server" >/dev/null 2>&1 &
    local pid=$!
    python3 "$here/pipelined_client.py" "$port" "$path" "$batches" "$per"
    # SIGINT lets a graceful server finish its callgrind dump; servers that ignore it get TERM.
    kill -INT "$pid"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -m1 '^summary' "$out" | cut -d' ' -f2
    rm -f "$out"
}
one=$(count 1)
many=$(count 101)
echo "$(( (many - one) / (100 * per) )) instructions per request ($path, $per per write)"
