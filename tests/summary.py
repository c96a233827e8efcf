#!/usr/bin/env python3
"""Summarise a meson test run: tests/summary.py BUILDDIR

Reads BUILDDIR/meson-logs/testlog.json (one JSON object per test) and prints, as the last
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
    if len(argv) != 2:
        print("usage: tests/summary.py BUILDDIR", file=sys.stderr)
        return 2
    logfile = Path(argv[1]) / "meson-logs" / "testlog.json"
    try:
        lines = logfile.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        lines, why = [], f"cannot read {logfile} ({e.strerror}): build failed or no tests ran"
    else:
        why = f"{logfile} lists no tests (meson: 'No suitable tests defined'?)"

    passed = failed = skipped = 0
    failures = []
    skips = {}  # skip line -> names of the tests that printed it (both insertion-ordered)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            test = json.loads(line)
        except json.JSONDecodeError:
            failed += 1
            failures.append(f"unparsable line {n} of {logfile}")
            continue
        name, result = test.get("name", "?"), test.get("result")
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

    if passed + failed + skipped == 0:
        print(why)
        print("0 passed, 1 failed, 0 skipped")
        return 1
    for line, names in skips.items():
        print(f"{line}  [{', '.join(names)}]")
    for f in failures:
        print(f"FAILED: {f}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
