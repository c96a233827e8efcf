#!/usr/bin/env bash
# Developer tool (not run by CI): the whole suite with gcov instrumentation in build-cov,
# then a line + branch coverage report of src/ (gcovr) and its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v gcovr >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q --no-install-recommends gcovr
fi
# Counters from earlier runs would add up: start from zero.
[[ -d build-cov ]] && find build-cov -name '*.gcda' -delete
status=0
NEXTORM_BUILD_DIR=build-cov NEXTORM_BUILDTYPE=debug NEXTORM_MESON_ARGS=-Db_coverage=true \
    NEXTORM_TEST_ARGS="--timeout-multiplier 2" bash tests/run_all.sh || status=$?
# The search path goes before the options: `--txt DIR` would take DIR as the report's file name.
# Throw branches (every possible exception edge, counted by g++) would drown the real ones.
gcovr -r . build-cov --filter src/ --branches --exclude-throw-branches --txt --print-summary
exit "$status"
