#!/usr/bin/env bash
# Runs each libFuzzer target of a -Dfuzz=true clang build for a bounded time.
#   bash tests/fuzz/run.sh BUILD_DIR [SECONDS]      (SECONDS per target, default 45)
# stdout: exactly one line per target, for tests/gates/run.sh:
#   <target> OK <execs, execs/s, coverage, corpus>
#   <target> FAIL <crash file> <first line of the report>
# Everything else goes to stderr. Each target works on a copy of its corpus (and regressions) in
# BUILD_DIR/fuzz/<target>/, so the repository is not modified; its artifacts (crash-*, timeout-*,
# oom-*, leak-*) land there too. Copy a failing input into tests/fuzz/regressions/<target>/ once
# it is fixed (tests/fuzz/README.md).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-45}
build=$(cd "$build" && pwd)
targets=(fuzz_compile fuzz_json_schema fuzz_params fuzz_url)
say() { echo "fuzz: $*" >&2; }
# The gates build writes coverage profiles: fuzzing's are not wanted (tests/gates/run.sh).
export LLVM_PROFILE_FILE=${LLVM_PROFILE_FILE:-/dev/null}

for t in "${targets[@]}"; do
    bin="$build/tests/fuzz/$t"
    if [[ ! -x $bin ]]; then
        echo "$t FAIL $bin missing (configure with -Dfuzz=true and clang)"
        continue
    fi
    work="$build/fuzz/$t"
    rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
    cp "$here/corpus/$t/"* "$here/regressions/$t/"* "$work/corpus/" 2>/dev/null
    log="$work/log.txt"
    # -max_len: large enough for the seeds, small enough to keep inputs quick (fuzz_compile:
    # 4 KB, as its repeat lines; a parse costs ~0.3 ms a byte in this build). -entropic=0 for
    # the targets that drive the compiler: at ~100,000 features libFuzzer's entropic schedule
    # spends most of the time updating feature frequencies (5x fewer runs).
    case $t in
        fuzz_compile) extra=(-max_len=4096 -entropic=0) ;;
        fuzz_json_schema) extra=(-max_len=8192 -entropic=0) ;;
        *) extra=(-max_len=8192) ;;
    esac
    say "$t: ${seconds} s (log: $log)"
    # -timeout: one input running longer than 2 s is a hang; -rss_limit_mb: memory is a finding.
    "$bin" "$work/corpus" -dict="$here/$t.dict" -max_total_time="$seconds" -timeout=2 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "${extra[@]}" >"$log" 2>&1
    rc=$?
    artifact=$(find "$work/artifacts" -type f | head -1)
    if [[ $rc -eq 0 && -z $artifact ]]; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        last=$(grep -E '^#[0-9]+' "$log" | tail -1)
        cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
        ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
        corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
        echo "$t OK ${runs:-?} execs (${rate:-?}/s) in ${seconds} s, cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?}"
    else
        report=$(grep -m1 -E 'ERROR: |runtime error:|ALARM:|terminate called|Assertion|==[0-9]+==' "$log" \
            || tail -1 "$log")
        echo "$t FAIL ${artifact:-no artifact (exit $rc)} ${report}"
        tail -40 "$log" >&2
    fi
done
