#!/usr/bin/env python3
"""Summarise the test runs: tests/summary.py BUILDDIR|LOG.json [...]

Reads each BUILDDIR/meson-logs/testlog.json (one JSON object per test), or a JSON-lines file in
the same format (the quality gates' results, tests/gates/run.sh), and prints, as the last
line, `N passed, M failed, K skipped` (the line CI reads). Before it: the failed tests, and
every distinct `NEXTORM-SKIP: <reason>` line the tests printed (a provider whose server is
not configured), so that skips are loud. Exit 1 if any test failed or no test ran at all.
"""
import json
import sys
from pathlib import Path

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}
# Anything else (FAIL, UNEXPECTEDPASS, TIMEOUT, ERROR, unknown) counts as failed.
MARK = "NEXTORM-SKIP:"


def main(argv):
    if len(argv) < 2:
        print("usage: tests/summary.py BUILDDIR|LOG.json [...]", file=sys.stderr)
        return 2
    passed = failed = skipped = 0
    failures = []
    skips = {}  # skip line -> names of the tests that printed it (both insertion-ordered)
    for arg in argv[1:]:
        logfile = Path(arg)
        if logfile.is_dir():
            logfile = logfile / "meson-logs" / "testlog.json"
        try:
            lines = logfile.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as e:
            failed += 1
            failures.append(f"cannot read {logfile} ({e.strerror}): build failed or no tests ran")
            continue
        if not any(line.strip() for line in lines):
            failed += 1
            failures.append(f"{logfile} lists no tests (meson: 'No suitable tests defined'?)")
            continue
        p, f, s = count(logfile, lines, len(argv) > 2, failures, skips)
        passed, failed, skipped = passed + p, failed + f, skipped + s

    if passed + failed + skipped == 0:
        print("no test ran")
        print("0 passed, 1 failed, 0 skipped")
        return 1
    for line, names in skips.items():
        print(f"{line}  [{', '.join(names)}]")
    for f in failures:
        print(f"FAILED: {f}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def count(logfile, lines, label_runs, failures, skips):
    """Counts one log's results; failures and skips gather across logs."""
    passed = failed = skipped = 0
    run = f"[{logfile.parts[-3] if logfile.name == 'testlog.json' else logfile.name}] " if label_runs else ""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            test = json.loads(line)
        except json.JSONDecodeError:
            failed += 1
            failures.append(f"unparsable line {n} of {logfile}")
            continue
        name, result = run + test.get("name", "?"), test.get("result")
        if result in PASSED:
            passed += 1
        elif result in SKIPPED:
            skipped += 1
        else:
            failed += 1
            failures.append(f"{name} ({result})")
        for field in ("stdout", "stderr"):
            for out in (test.get(field) or "").splitlines():
                i = out.find(MARK)
                if i >= 0:
                    skips.setdefault(out[i:].strip(), {})[name] = None

    return passed, failed, skipped


if __name__ == "__main__":
    sys.exit(main(sys.argv))
