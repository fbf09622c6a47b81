#!/usr/bin/env python3
"""Prints the functions of BINARY that ran in the callgrind profiles PROFILE..., one mangled
name per line, in the order they have in BINARY: a symbol ordering file that packs the code a
server runs together without moving it relative to itself.

    bench/executed_functions.py BINARY PROFILE...

The profiles must be written with `--demangle=no --compress-strings=no` so that the names are
the linker's. Why the binary's own order and not hottest first: packing already shrinks what
the kernel maps of the binary, and reordering by heat measured slower on the pipelined
plaintext test (docs/performance.md)."""
import os
import subprocess
import sys


def executed(binary, profiles):
    """Mangled names of the functions of `binary` that have a cost in any of `profiles`."""
    ran = set()
    name = os.path.realpath(binary)
    for path in profiles:
        obj = function = None
        after_call = False
        with open(path, errors="replace") as profile:
            for line in profile:
                if after_call:
                    # The cost line after `calls=` is the callee's, not this function's.
                    after_call = False
                elif line.startswith("ob="):
                    obj = os.path.realpath(line[3:].strip())
                elif line.startswith("fn="):
                    function = line[3:].strip()
                elif line.startswith("calls="):
                    after_call = True
                elif line[:1].isdigit() and obj == name and function:
                    ran.add(function)
    return ran


def in_binary_order(binary, names):
    """`names` sorted by their address in `binary`; names it does not define are dropped."""
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    placed = []
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW" and fields[2] in names:
            placed.append((int(fields[0], 16), fields[2]))
    return [symbol for _, symbol in sorted(placed)]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, profiles = sys.argv[1], sys.argv[2:]
    for symbol in in_binary_order(binary, executed(binary, profiles)):
        print(symbol)


if __name__ == "__main__":
    main()
