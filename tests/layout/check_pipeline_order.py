#!/usr/bin/env python3
"""The pipeline order is a checked fact (../shared/STYLE.md, docs/internals.md "Pipeline").

    check_pipeline_order.py SOURCE_ROOT     check src/, grammar/ and include/nextorm/
    check_pipeline_order.py --self-test     show that a backwards include is caught

Each folder of src/ is one stage, and a stage may only include the headers of the stages before
it in STAGES (its own included). The public headers (include/nextorm/) hold the API and include
no header of src/. Prints every offending #include with file and line; exit 1 if there is one.
"""
import os
import re
import sys
import tempfile

# Low to high: each stage may use those to its left. parse builds the AST, so ast comes first;
# the drivers sit under exec, which runs a plan on them; compile (the pipeline driver and the
# plan cache) comes after every stage that a plan passes through, so none of them can reach it.
STAGES = ["common", "schema", "ast", "parse", "ir", "analyze", "optimize", "lower", "driver",
          "exec", "materialize", "compile", "migrate", "session", "async", "cli"]
RANK = {s: i for i, s in enumerate(STAGES)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')


def stage_of(path):
    """The stage a file of src/ belongs to ('driver' for src/driver/sqlite/x.cpp)."""
    parts = path.split(os.sep)
    return parts[1] if len(parts) > 2 and parts[0] == "src" else None


def check(root):
    problems = []
    for top in ("src", "grammar", os.path.join("include", "nextorm")):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".hpp", ".cpp", ".h")):
                    continue
                full = os.path.join(dirpath, name)
                path = os.path.relpath(full, root)
                if top == "grammar":
                    own = "parse"  # the grammar is the parser's
                elif top == "src":
                    own = stage_of(path)
                else:
                    own = None  # a public header
                with open(full, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m or m.group(1) not in RANK:
                            continue
                        used = m.group(1)
                        header = line.split('"')[1]
                        if own is None:
                            problems.append(f"{path}:{number}: a public header includes "
                                            f"src/{used}/: the API may not depend on the implementation")
                        elif own not in RANK:
                            problems.append(f"{path}:{number}: src/{own}/ is not a known stage: add it "
                                            f"to STAGES in tests/layout/check_pipeline_order.py")
                        elif RANK[used] > RANK[own]:
                            before = ", ".join(STAGES[: RANK[own]]) or "none"
                            problems.append(f"{path}:{number}: {own}/ includes {header}, "
                                            f"from the later stage {used}/ (it may use: {before})")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        def write(path, text):
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        write("src/lower/plan.hpp", '#include "ir/query_spec.hpp"\n')
        write("src/exec/run.cpp", '#include "lower/plan.hpp"\n#include "exec/run.hpp"\n')
        write("include/nextorm/api.hpp", "#include <nextorm/value.hpp>\n")
        clean = check(root)
        write("src/analyze/bind.cpp", '#include "ast/ast.hpp"\n#include "compile/plan.hpp"\n')
        write("include/nextorm/leak.hpp", '#include "session/database_impl.hpp"\n')
        planted = check(root)
    expected = ["src/analyze/bind.cpp:2: analyze/ includes compile/plan.hpp, from the later stage "
                "compile/ (it may use: common, schema, ast, parse, ir)",
                "include/nextorm/leak.hpp:1: a public header includes src/session/: the API may "
                "not depend on the implementation"]
    if clean or sorted(planted) != sorted(expected):
        print("self-test failed:\nclean:", clean, "\nplanted:", planted)
        return 1
    print("self-test: a backwards include and a public header reaching into src/ are both caught")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if not problems:
        print(f"pipeline order holds: {' < '.join(STAGES)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
