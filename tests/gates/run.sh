#!/usr/bin/env bash
# The quality gates (docs/internals.md, "Quality gates"): one clang build serves all three.
#   sanitizers  the whole suite under AddressSanitizer (leaks included) and UBSan, every report fatal;
#   coverage    clang's source-based branch coverage of that same run, gated by coverage.py;
#   fuzzing     the libFuzzer targets of tests/fuzz, each for a bounded time (tests/fuzz/run.sh).
# Source-based coverage is read from the AST, so the sanitizers' and libFuzzer's instrumentation
# in the same objects changes no count (gcov's would: ASan+UBSan add about 9% more branches).
#
# Needs the test servers' URLs in the environment (run_all.sh starts them). Writes one JSON line
# per outcome to $GATES/meson-logs/gates.json for tests/summary.py. Exits non-zero on any failure.
#
# Environment (all optional):
#   NEXTORM_GATES_DIR   build directory (default: build-gates)
#   NEXTORM_FUZZ_SECONDS  time per fuzz target (default: 45)
#   NEXTORM_GATES       which gates: any of "tests coverage fuzz" (default: all three)
set -uo pipefail
cd "$(dirname "$0")/../.."
GATES=${NEXTORM_GATES_DIR:-build-gates}
WANT=${NEXTORM_GATES:-tests coverage fuzz}
say() { echo "gates: $*" >&2; }
root=$PWD
results="$GATES/meson-logs/gates.json"
record() {  # record NAME OK|FAIL DETAIL
    python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "result": sys.argv[2], "stdout": sys.argv[3]}))' \
        "$1" "$2" "$3" >>"$results"
}

# fuzzer-no-link: libFuzzer's edge counters in the library, for the fuzz targets linked to it.
# -fprofile-update=atomic: the suite's threads (concurrency, async, pools) run the same code at
# once, and plain counters then lose increments; clang derives a condition's sides as differences
# of counters, so a side taken once or twice (a rare error path) was seen to read 0 and fail the
# gate at random. Atomic counters stay consistent.
flags="-fprofile-instr-generate -fcoverage-mapping -fprofile-update=atomic -fno-sanitize-recover=all -fsanitize=fuzzer-no-link"
if [[ ! -f $GATES/meson-private/coredata.dat ]]; then
    CC=clang CXX=clang++ meson setup "$GATES" --buildtype=debug -Doptimization=1 -Dwerror=true \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false -Dexamples=false \
        -Dfuzz=true -Dcpp_args="$flags" -Dc_args="$flags" \
        -Dcpp_link_args=-fprofile-instr-generate -Dc_link_args=-fprofile-instr-generate || exit 1
fi
meson compile -C "$GATES" || { say "build failed"; exit 1; }
mkdir -p "$GATES/meson-logs"
: >"$results"
# A stale log must never be summarised as this run's result.
rm -f "$GATES/meson-logs/testlog.json" "$GATES/meson-logs/fuzzlog.json"
status=0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/gates/lsan.supp:print_suppressions=0
prof="$GATES/profiles"
[[ $GATES == /* ]] || prof="$root/$prof"

if [[ $WANT == *tests* ]]; then
    rm -rf "$prof" && mkdir -p "$prof"
    # One prefix per test (profile_wrapper.sh), then %p: one file per process; %m: per
    # instrumented module (the library and each program)
    NEXTORM_PROFILE_DIR="$prof" meson test -C "$GATES" --print-errorlogs \
        --wrapper "$root/tests/gates/profile_wrapper.sh" \
        --num-processes 2 --timeout-multiplier 4 --no-suite consumers --no-suite fuzz || status=1
    # With a wrapper meson appends its name to the log's (even to --logbase); run_all.sh reads
    # testlog.json.
    mv -f "$GATES/meson-logs/testlog-profile_wrapper.sh.json" "$GATES/meson-logs/testlog.json" || status=1
    # The fuzz corpora's replays run under the sanitizers too, but count for no coverage: they
    # execute inputs without checking results, and the figure must come from tests that check.
    LLVM_PROFILE_FILE=/dev/null meson test -C "$GATES" --print-errorlogs --num-processes 2 \
        --timeout-multiplier 4 --suite fuzz --logbase fuzzlog || status=1
    say "sanitized suite done (${SECONDS} s)"
fi

if [[ $WANT == *coverage* ]]; then
    floor=$(grep -v '^#' tests/gates/coverage_floor | head -1)
    if out=$(python3 tests/gates/coverage.py "$GATES" "$prof" --min "$floor" 2>&1); then
        record "gates / coverage" OK "$out"
    else
        record "gates / coverage" FAIL "$out"
        status=1
    fi
    echo "$out" | tail -25
fi

if [[ $WANT == *fuzz* ]] && [[ -f tests/fuzz/run.sh ]]; then
    # Fuzzing writes no coverage: the figure is the tests' alone.
    export LLVM_PROFILE_FILE=/dev/null
    while read -r target verdict detail; do
        echo "gates: fuzz $target $verdict $detail"
        record "gates / fuzz $target" "$verdict" "$detail"
        [[ $verdict == OK ]] || status=1
    done < <(bash tests/fuzz/run.sh "$GATES" "${NEXTORM_FUZZ_SECONDS:-45}")
fi
exit "$status"
