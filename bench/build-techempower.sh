#!/usr/bin/env bash
# Builds examples/techempower as docs/performance.md benchmarks it, and prints the binary's path.
#
# 1. Profile `release-abort`: release without unwinding (a panic ends the process instead of
#    answering 500), as the peers in ../shared/bench are built.
# 2. Profile-guided: a build instrumented to count what runs serves every test under wrk's load
#    for a few seconds (on $DATABASE_URL), and LLVM builds the binary again from those counts:
#    the code that runs laid out together, away from the code that does not, and inlined where
#    calls are hot.
#
# Needs wrk, curl, the benchmark's PostgreSQL database, and the llvm-profdata of rustc's LLVM
# version (`rustup component add llvm-tools`, or Debian's `llvm-N` package for LLVM N).
#
#   bin=$(bench/build-techempower.sh)
#   ../shared/bench/run --galaxy "env DATABASE_URL=postgres://postgres@127.0.0.1/hello_world $bin"
set -euo pipefail
# A failing build inside `$(...)` stops the script too.
shopt -s inherit_errexit
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
pgo=${CARGO_TARGET_DIR:-$PWD/target}/techempower-pgo
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1/hello_world}

fail() {
    echo "$*" >&2
    exit 1
}

# llvm-profdata reads only the profile format of its own LLVM version.
llvm_profdata() {
    local major host tool
    major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
    host=$(rustc -vV | sed -n 's/^host: //p')
    for tool in "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata" \
        "llvm-profdata-$major" llvm-profdata; do
        if command -v "$tool" >/dev/null &&
            "$tool" --version 2>/dev/null | grep "LLVM version $major\." >/dev/null; then
            echo "$tool"
            return
        fi
    done
    fail "no llvm-profdata of LLVM $major: rustup component add llvm-tools, or install llvm-$major"
}

# Each build has a target directory of its own: their RUSTFLAGS differ, and sharing one would
# rebuild every crate each time.
build() {
    local kind=$1 rustflags=$2
    RUSTFLAGS=$rustflags SQLX_OFFLINE=true cargo build --profile release-abort \
        -p techempower --bin techempower --target-dir "$pgo/$kind" >&2
    echo "$pgo/$kind/release-abort/techempower"
}

command -v wrk >/dev/null || fail "wrk is not installed: apt-get install -y wrk"
profdata=$(llvm_profdata)
# Build scripts and proc macros of this build write their own counts to this directory;
# the server's go to a directory of their own.
instrumented=$(build instrumented "-Cprofile-generate=$pgo/build-counts")

work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
port=$((19500 + RANDOM % 400))
PORT=$port DATABASE_URL=$database_url LLVM_PROFILE_FILE="$work/techempower-%p.profraw" \
    "$instrumented" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/plaintext" >/dev/null && break
    kill -0 "$server" 2>/dev/null || fail "the instrumented server exited: is \$DATABASE_URL right?"
    sleep 0.2
done
# The benchmark's own load, shorter: what each test runs most is what gets laid out together.
load() {
    local path=$1 connections=$2 depth=${3:-} out
    local url="http://127.0.0.1:$port$path"
    if [ -n "$depth" ]; then
        out=$(wrk -t1 -c"$connections" -d3s -s "$here/pipeline.lua" "$url" -- "$depth")
    else
        out=$(wrk -t1 -c"$connections" -d3s "$url")
    fi
    if ! grep -q 'Requests/sec' <<<"$out" || grep -q 'Non-2xx' <<<"$out"; then
        fail "the profiling run failed on $path: is the database at \$DATABASE_URL up?
$out"
    fi
}
load /plaintext 256 16
for path in /json /db '/queries?q=20' /fortunes '/updates?q=20'; do
    load "$path" 64
done
# SIGINT: the server shuts down gracefully, and its counts are written as it exits.
kill -INT "$server"
wait "$server" || true
server=
compgen -G "$work/*.profraw" >/dev/null || fail "the instrumented server wrote no profile"
"$profdata" merge -o "$pgo/techempower.profdata" "$work"/*.profraw
build optimized "-Cprofile-use=$pgo/techempower.profdata"
