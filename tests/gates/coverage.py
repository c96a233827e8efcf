#!/usr/bin/env python3
"""Branch coverage gate over clang's source-based coverage (docs/internals.md, "Quality gates").

    coverage.py BUILD_DIR PROFILE_DIR [--min PERCENT] [--show FILE_SUBSTRING]

Merges the .profraw files the instrumented test run left in PROFILE_DIR, asks llvm-cov for every
branch of src/, include/ and grammar/ over all the build's binaries, and prints the figure. A
branch counts as covered when the test suite took both of its sides.

Source-based coverage counts the conditions written in the source (if, while, for, &&, ||, ?:,
case), from the compiler's AST: the sanitizers and libFuzzer's instrumentation in the same build
add none, and there are no hidden exception edges to exclude.

Two kinds of branch that clang 14 reports but that are not conditions of the source are left out,
and counted: a branch that llvm-cov itself marks "Folded - Ignored" (a condition the compiler
decided, such as `if constexpr` or a template's constant test) wherever it is instantiated, and
the branches of a defaulted comparison (`= default`), which the compiler writes. Also left out
and counted: the implicit default of a switch that has no `default:` and whose case labels are
all enumerators. -Wswitch (an error in our builds) makes such a switch name every enumerator, so
only a value outside the enumeration could take it; a switch over numbers or characters is not
left out.

An assertion is left out and counted: the true side of a condition whose statement, on the same
line, is the call `detail::unreachable(...)` (one condition: no && or ||) (src/common/unreachable.hpp), which stops the program:
    if (slot >= size) detail::unreachable("int_key_index::at");
That is the form for a broken invariant, a case an earlier stage has ruled out; such a side is
taken only by a defect, and the other side must still be taken by the tests.

A branch no test can take may be exempted by a marker with its reason on the same line:
    if (n > limit) {  // coverage-exempt: limit is checked by the caller; kept as a guard
The run prints how many markers there are; a marker without a reason, or on a line with no
missed branch, fails the gate (a stale marker hides nothing, so it must go).

Exit status: 0 when the covered share is at least --min (default 100), 1 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

MARKER = re.compile(r"//\s*coverage-exempt:(.*)$")
SHOWN_FILE = re.compile(r"^(/.*):$")
SHOWN_BRANCH = re.compile(r"Branch \((\d+):(\d+)\): \[(Folded - Ignored|True)")
DEFAULTED = re.compile(r"=\s*default\s*;")
ASSERTION = re.compile(r"\bif\s*\(.*\)\s*\{?\s*detail::unreachable\(")
SOURCES = ("src/", "include/", "grammar/")


def binaries(build):
    """Every ELF executable or shared library the build made (tests, CLI, provider modules)."""
    found = []
    for root, dirs, files in os.walk(build):
        dirs[:] = [d for d in dirs if not d.endswith(".p") and d not in ("meson-private", "meson-logs", "subprojects")]
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path) or not os.access(path, os.X_OK):
                continue
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return sorted(found)


def project_path(name, root):
    path = os.path.relpath(os.path.realpath(name), root)
    return path if path.startswith(SOURCES) else None


CASE_LABEL = re.compile(r"\bcase\s+((?:[^:]|::)+?)\s*:(?!:)")
ENUMERATOR = re.compile(r"^[A-Za-z_][\w:]*$")


def enum_switch_without_default(text, line, col):
    """Whether the branch at line:col is a switch over enumerators with no default label."""
    # clang puts the implicit default's branch on the switch's condition: `switch (x)` at x.
    before = re.search(r"\bswitch\s*\(\s*$", text[line - 1][: col - 1]) if 0 < line <= len(text) else None
    if before is None:
        return False
    start = sum(len(t) + 1 for t in text[: line - 1]) + before.start()
    source = "\n".join(text)
    body = source.find("{", start)
    depth, end = 0, body
    while end < len(source):
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        if depth == 0:
            break
        end += 1
    inner = re.sub(r"//[^\n]*", "", source[body + 1 : end])  # comments may say "case"
    # Labels of nested switches count too: harmless, they are checked the same way.
    if re.search(r"\bdefault\s*:", inner):
        return False
    labels = CASE_LABEL.findall(inner)
    return bool(labels) and all(ENUMERATOR.match(label) for label in labels)


def folded_branches(profile, object_args, root):
    """Positions of branches that llvm-cov shows as "Folded - Ignored" in every instance.

    clang 14's export lists them with zero counts, without the flag that the text view shows.
    """
    cmd = ["llvm-cov", "show", "-show-branches=count", "-instr-profile", profile] + object_args
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    only_folded, counted = set(), set()
    path = None
    for line in text.split("\n"):
        m = SHOWN_FILE.match(line)
        if m:
            path = project_path(m.group(1), root)
            continue
        m = SHOWN_BRANCH.search(line)
        if m and path is not None:
            key = (path, int(m.group(1)), int(m.group(2)))
            (only_folded if m.group(3).startswith("Folded") else counted).add(key)
    return only_folded - counted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("profiles")
    ap.add_argument("--min", type=float, default=100.0)
    ap.add_argument("--show", action="append", default=[], help="list the missed branches of files matching this")
    args = ap.parse_args()
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
    raws = [os.path.join(args.profiles, f) for f in os.listdir(args.profiles) if f.endswith(".profraw")]
    if not raws:
        print("coverage: no .profraw files in", args.profiles, file=sys.stderr)
        return 1
    merged = os.path.join(args.profiles, "merged.profdata")
    with open(os.path.join(args.profiles, "inputs.txt"), "w") as f:
        f.write("\n".join(raws))
    subprocess.run(["llvm-profdata", "merge", "-sparse", "-f", os.path.join(args.profiles, "inputs.txt"),
                    "-o", merged], check=True)
    objects = binaries(args.build)
    object_args = [objects[0]]
    for o in objects[1:]:
        object_args += ["-object", o]
    cmd = ["llvm-cov", "export", "-instr-profile", merged, "-skip-functions"] + object_args
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    folded = folded_branches(merged, object_args, root)

    # A header's template is instantiated in many binaries: one branch, many records. Merge them
    # by position and keep the best count of each side.
    sides = defaultdict(lambda: [0, 0])
    for export in data["data"]:
        for entry in export["files"]:
            path = project_path(entry["filename"], root)
            if path is None:
                continue
            for b in entry.get("branches", []):
                key = (path, b[0], b[1], b[2], b[3])
                sides[key][0] = max(sides[key][0], b[4])
                sides[key][1] = max(sides[key][1], b[5])

    lines_of = {}
    def lines(path):
        if path not in lines_of:
            with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                lines_of[path] = f.read().split("\n")
        return lines_of[path]

    def source_line(path, line):
        text = lines(path)
        return text[line - 1] if 0 < line <= len(text) else ""

    total = covered = exempt = left_out = switch_defaults = assertions = 0
    problems = []
    missed_by_file = defaultdict(list)
    exempt_lines = set()
    for (path, line, col, _, _), (taken, not_taken) in sorted(sides.items()):
        if (path, line, col) in folded or DEFAULTED.search(source_line(path, line)):
            left_out += 2
            continue
        for side, count in (("true", taken), ("false", not_taken)):
            total += 1
            if count > 0:
                covered += 1
                continue
            text = source_line(path, line)
            if side == "true" and ASSERTION.search(text) and not re.search(r"&&|\|\|", text):
                assertions += 1
                total -= 1  # the path into an assertion: see the module's notes
                continue
            marker = MARKER.search(source_line(path, line))
            if not marker and enum_switch_without_default(lines(path), line, col):
                switch_defaults += 1
                total -= 1  # not a side of the source's conditions: see the module's notes
                continue
            if marker:
                exempt += 1
                exempt_lines.add((path, line))
                if not marker.group(1).strip():
                    problems.append(f"{path}:{line}: a coverage-exempt marker needs its reason")
            else:
                missed_by_file[path].append((line, col, side))

    # Every marker must stand on a line with a missed branch.
    markers = 0
    for top in SOURCES:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                path = os.path.relpath(os.path.join(dirpath, name), root)
                if not name.endswith((".cpp", ".hpp", ".h")):
                    continue
                for number, text in enumerate(lines(path), 1):
                    if MARKER.search(text):
                        markers += 1
                        if (path, number) not in exempt_lines:
                            problems.append(f"{path}:{number}: coverage-exempt marker on a line whose branches are all taken (remove it)")

    counted = total - exempt
    percent = 100.0 * covered / counted if counted else 100.0
    missed = counted - covered
    for path in sorted(missed_by_file):
        if any(s in path for s in args.show) or (missed and not args.show and missed <= 40):
            for line, col, side in missed_by_file[path]:
                print(f"coverage: missed {path}:{line}:{col} ({side} side never taken)")
    if args.show == [] and missed > 40:
        worst = sorted(missed_by_file.items(), key=lambda kv: -len(kv[1]))[:15]
        for path, items in worst:
            print(f"coverage: {len(items):4d} missed branch sides in {path}")
    for p in problems:
        print("coverage:", p)
    print(f"coverage: {percent:.2f}% of branch sides ({covered} of {counted}; {missed} missed) "
          f"in src/, include/, grammar/; {markers} coverage-exempt markers excluding {exempt}; "
          f"{left_out} sides of folded or defaulted-comparison branches and {switch_defaults} implicit "
          f"defaults of enumeration switches and {assertions} assertions left out; gate {args.min:g}%")
    return 0 if percent >= args.min and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
