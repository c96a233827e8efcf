#!/usr/bin/env bash
# Developer tool (not run by CI): the whole suite with gcov instrumentation in build-cov,
# then a line + branch coverage report of src/ (gcovr) and its summary.
# With NEXTORM_TEST_POSTGRES_URL and NEXTORM_TEST_MARIADB_URL set (source the servers' env file),
# the tests use those servers; otherwise tests/run_all.sh starts throwaway ones.
# Extra gcovr arguments pass through, e.g.  bash tests/coverage.sh --html-details cov/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v gcovr >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q --no-install-recommends gcovr
fi
# Counters from earlier runs would add up: start from zero.
[[ -d build-cov ]] && find build-cov -name '*.gcda' -delete
# Atomic counter updates: several tests run threads (the plan cache, async), and racing
# increments leave counts that gcov cannot reconcile ("branch taken -1", which stops gcovr).
cov_args=(-Db_coverage=true -Dcpp_args=-fprofile-update=atomic -Dwerror=true)
# meson 1.0's `setup --reconfigure` drops a changed -Dcpp_args: an existing build-cov is
# configured instead.
if [[ -f build-cov/meson-private/coredata.dat ]]; then
    meson configure build-cov -Dbuildtype=debug "${cov_args[@]}"
fi
status=0
if [[ -n ${NEXTORM_TEST_POSTGRES_URL:-} && -n ${NEXTORM_TEST_MARIADB_URL:-} ]]; then
    [[ -f build-cov/meson-private/coredata.dat ]] ||
        meson setup build-cov --buildtype=debug "${cov_args[@]}"
    meson compile -C build-cov -j2  # a shared 2-core machine
    meson test -C build-cov --print-errorlogs --num-processes 2 --timeout-multiplier 2 || status=$?
else
    NEXTORM_BUILD_DIR=build-cov NEXTORM_BUILDTYPE=debug NEXTORM_MESON_ARGS="${cov_args[*]}" \
        NEXTORM_TEST_ARGS="--timeout-multiplier 2" bash tests/run_all.sh || status=$?
fi
# The search path goes before the options: `--txt DIR` would take DIR as the report's file name.
# Branches g++ adds that no test can steer, left out (docs/internals.md, "Coverage"):
#   --exclude-throw-branches        the exception edge of every call that may throw;
#   --exclude-unreachable-branches  branches on lines without code (`}`, `};`): the cleanup of
#                                   temporaries and locals at the end of a scope;
#   an assert's failing side        the program aborts there by design (assert lines only).
gcovr -r . build-cov --filter src/ --branches --exclude-throw-branches \
    --exclude-unreachable-branches --exclude-branches-by-pattern '\s*assert\(.*' \
    --txt --print-summary "$@"
exit "$status"
