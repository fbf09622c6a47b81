#!/usr/bin/env bash
# Builds examples/techempower as docs/performance.md benchmarks it, and prints the binary's path.
#
# 1. Profile `release-abort`: release without unwinding (a panic ends the process instead of
#    answering 500), as the peers in ../shared/bench are built.
# 2. LLVM's inline threshold at 6000 for the final compile only: `cargo rustc` passes it to the
#    techempower crate, whose fat LTO is where inlining across crates happens.
# 3. The code the server runs, packed together: the binary is run once under callgrind through
#    every test (on $DATABASE_URL), then linked again with the functions that ran placed first
#    (LLD's --symbol-ordering-file), so that the kernel maps less of the binary.
#
# Needs valgrind, python3, and the benchmark's PostgreSQL database for step 3.
#
#   bin=$(bench/build-techempower.sh)
#   ../shared/bench/run --galaxy "env DATABASE_URL=postgres://postgres@127.0.0.1/hello_world $bin"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
binary=${CARGO_TARGET_DIR:-$PWD/target}/release-abort/techempower
build() {
    SQLX_OFFLINE=true cargo rustc --profile release-abort -p techempower --bin techempower -- \
        -C llvm-args=-inline-threshold=6000 "$@" >&2
}

build
if ! readelf -p .comment "$binary" | grep -q 'Linker: LLD'; then
    echo "not linked by LLD: the functions that run are left where they are" >&2
    echo "$binary"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The profile's names must be this build's: profile a copy, as the next build replaces it.
cp "$binary" "$work/techempower"
port=$((19500 + RANDOM % 400))
PORT=$port DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1/hello_world} \
    valgrind --tool=callgrind --demangle=no --compress-strings=no \
    --callgrind-out-file="$work/profile" "$work/techempower" >/dev/null 2>&1 &
server=$!
drive() {
    # A test that does not answer 200 (no database, say) would leave the client waiting.
    if ! timeout 300 python3 "$here/pipelined_client.py" "$port" "$@" >/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        echo "the profiling run failed on $1: is the database at \$DATABASE_URL up?" >&2
        exit 1
    fi
}
for path in /plaintext /json /db '/queries?q=20' /fortunes '/updates?q=20'; do
    drive "$path" 20 1
done
drive /plaintext 20 16
# SIGINT: the server shuts down gracefully and callgrind writes the profile as it exits.
kill -INT "$server"
for _ in $(seq 60); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
done
wait "$server" || true
python3 "$here/executed_functions.py" "$work/techempower" "$work/profile" >"$work/order"
echo "packing the $(wc -l <"$work/order") functions that ran" >&2
build -C link-arg=-Wl,--symbol-ordering-file="$work/order" -C link-arg=-Wl,--no-warn-symbol-ordering
echo "$binary"
