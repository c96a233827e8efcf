#!/usr/bin/env bash
# Developer tool (not run by CI): the whole suite under AddressSanitizer + UBSan, in build-asan.
# Same flow as run_all.sh (-Werror, servers, summary line last); exit non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# meson 1.0 leaves UBSan in print-and-continue mode: make every report fatal.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export NEXTORM_BUILD_DIR=build-asan
# The benchmark is left out: UBSan's vptr check needs typeinfo that libsoci does not export.
export NEXTORM_MESON_ARGS="-Db_sanitize=address,undefined -Db_lundef=false -Dcpp_args=-fno-sanitize-recover=all -Dbench=false"
export NEXTORM_TEST_ARGS="--timeout-multiplier 3" # instrumented code is slower
exec bash tests/run_all.sh
