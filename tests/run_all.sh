#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root:  bash tests/run_all.sh
# Installs missing packages, builds, starts throwaway PostgreSQL + MariaDB servers
# (tests/servers.sh), runs `meson test`, runs the quality gates (tests/gates/run.sh: the suite
# again under ASan+UBSan with branch coverage, then the fuzzers), stops the servers, and prints
# as its LAST line
# `N passed, M failed, K skipped` (tests/summary.py). Exits non-zero on any failure.
#
# Environment (all optional):
#   NEXTORM_BUILD_DIR   build directory (default: build)
#   NEXTORM_BUILDTYPE   meson buildtype (default: -O2 without debug information, which takes
#                       gcc 40% of the build's time; the gates' clang build keeps it)
#   NEXTORM_MESON_ARGS  extra `meson setup` arguments, word-split (used by sanitize.sh, coverage.sh)
#   NEXTORM_TEST_ARGS   extra `meson test` arguments, word-split
#   NEXTORM_GATES       which gates to run (tests/gates/run.sh); "none" skips them (a quick
#                       local run: CI never sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${NEXTORM_BUILD_DIR:-build}
say() { echo "run_all: $*" >&2; }

# (a) packages: apt only when something is missing
PKGS=(meson ninja-build pkg-config cmake g++ tao-pegtl-dev libsqlite3-dev libpq-dev libmariadb-dev
    nlohmann-json3-dev catch2 postgresql mariadb-server mariadb-client python3 python3-pony
    python3-psycopg2 python3-pymysql clang llvm libclang-rt-14-dev libasio-dev)
missing=()
for p in "${PKGS[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
say "packages ready (${SECONDS} s)"

# (b) build, warnings as errors (the project's default_options leave werror off for consumers).
# A stale testlog.json must never be summarised as this run's result.
rm -f "$BUILD/meson-logs/testlog.json"
setup=()
[[ -f $BUILD/meson-private/coredata.dat ]] && setup=(--reconfigure)
status=0
# shellcheck disable=SC2086  # the *_ARGS variables are deliberately word-split
buildtype=(-Doptimization=2 -Ddebug=false)
[[ -n ${NEXTORM_BUILDTYPE:-} ]] && buildtype=(--buildtype="$NEXTORM_BUILDTYPE")
if meson setup "${setup[@]}" "$BUILD" "${buildtype[@]}" -Dwerror=true \
    ${NEXTORM_MESON_ARGS:-} &&
    meson compile -C "$BUILD"; then
    say "build done (${SECONDS} s)"
    # (c) servers, stopped by a trap even if anything below fails
    source tests/servers.sh
    if servers_up; then
        say "servers up (${SECONDS} s): $NEXTORM_TEST_POSTGRES_URL $NEXTORM_TEST_MARIADB_URL"
        # (d) tests; their failure must not abort the script
        # shellcheck disable=SC2086
        meson test -C "$BUILD" --print-errorlogs --num-processes 2 ${NEXTORM_TEST_ARGS:-} || status=$?
        say "tests done (${SECONDS} s), meson test exit code $status"
        if [[ ${NEXTORM_GATES:-} != none ]]; then
            bash tests/gates/run.sh || status=1
            say "gates done (${SECONDS} s)"
        fi
    else
        say "could not start the test servers"
        status=1
    fi
    # (e)
    servers_down
else
    say "build failed"
    status=1
fi

# (f) the summary line is the last output line
logs=("$BUILD")
GATES=${NEXTORM_GATES_DIR:-build-gates}
if [[ ${NEXTORM_GATES:-} != none ]]; then
    logs+=("$GATES/meson-logs/testlog.json" "$GATES/meson-logs/fuzzlog.json" "$GATES/meson-logs/gates.json")
fi
python3 tests/summary.py "${logs[@]}" || status=1
exit "$status"
