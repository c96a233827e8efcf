#!/usr/bin/env bash
# Consumer test (a): tests/consumers/subproject.sh WORKDIR
# Builds tests/consumers/subproject (NextORM as a meson subproject, --buildtype=release, no
# -Dwerror) in WORKDIR, runs its quickstart and checks the output. The build log is printed only
# on failure; the times always.
set -euo pipefail
src=$(cd "$(dirname "$0")/subproject" && pwd)
work=$1
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
log=$work/build.log
step() {  # step NAME COMMAND...: run, time, and on failure print the log and fail
    local t0=$SECONDS
    if ! "${@:2}" >>"$log" 2>&1; then
        tail -n 60 "$log"
        echo "consumer-subproject: $1 failed (log: $log)"
        exit 1
    fi
    echo "consumer-subproject: $1 took $((SECONDS - t0)) s"
}
step setup meson setup "$work/build" "$src" --buildtype=release
step compile meson compile -C "$work/build"
out=$("$work/build/quickstart")
echo "$out"
grep -q '^Widget costs 9.5' <<<"$out" || { echo "consumer-subproject: unexpected output"; exit 1; }
echo "consumer-subproject: the quickstart built against dependency('nextorm') ran"
