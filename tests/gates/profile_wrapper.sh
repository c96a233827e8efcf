#!/usr/bin/env bash
# meson test --wrapper for the coverage run (tests/gates/run.sh): each test writes its profiles
# under a prefix of its own. The gates run forks tens of thousands of processes (the
# differential tests' children), so process ids wrap around (pid_max is often 32768) and a later
# test would reuse an earlier one's %p-%m file name; clang 14's runtime then merges into that
# file, and counts were seen lost that way. A prefix per test keeps every name unique.
set -euo pipefail
prefix="${NEXTORM_PROFILE_DIR:?}/$(date +%s%N)-$$"
export LLVM_PROFILE_FILE="$prefix-%p-%m.profraw"
exec "$@"
