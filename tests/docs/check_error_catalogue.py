#!/usr/bin/env python3
"""Checks that docs/errors.md documents every error id the code can throw, and nothing else.

    python3 tests/docs/check_error_catalogue.py [SOURCE_ROOT]     # the check (a meson test)
    python3 tests/docs/check_error_catalogue.py --self-test       # the check checks itself
    python3 tests/docs/check_error_catalogue.py --list [ROOT]     # every id and where it is made

How the code writes its ids (the convention this script enforces; docs/errors.md, "How ids are
written", says the same for people):

1. An id is a string literal "area.name" (lower case letters, digits, '_', one dot) in the code
   of src/, include/ or grammar/. Every such literal outside comments and #include lines is an
   id, and docs/errors.md must name it; a literal of that shape that is not an id goes into
   NOT_IDS below with the reason.
2. Every place that makes an error must show where its id comes from, or the check fails and
   names the place. A place is a `throw` statement, or a construction of an error class (the
   classes of include/nextorm/errors.hpp and every class derived from one, found by scanning
   `class X : public Y`). It is classified when:
     - its arguments hold an id literal (rule 1), or an entry of the grammar's message table
       (`grammar::errors::x.id`; the table's ids are literals of rule 1);
     - it passes on the id of an error it caught (`e.id()`);
     - it is a forwarder listed in FORWARDERS: a helper that takes the id as a parameter. Then
       every call of the helper must pass an id literal (or a grammar entry) as one of the
       arguments FORWARDERS names, or the check fails at the call;
     - it is one of the provider patterns in PATTERNS: ids "<provider>.<condition>" built from
       `throw_condition("<provider>", condition::<name>, ...)`, or from a name table
       (PostgreSQL's SQLSTATE names). docs/errors.md may list such an id as
       `<provider>.<condition>` or with the provider spelled out;
     - it throws a type that is not a NextORM error and has no id (NO_ID_TYPES), or is `throw;`.
3. Every id docs/errors.md names (a backticked id in the first cell of a table row) must come
   from the code; a documented id that nothing makes fails the check too.
"""
from __future__ import annotations

import pathlib
import re
import sys
from dataclasses import dataclass, field

ID_TEXT = r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*"
ID_LITERAL = re.compile(r'"(' + ID_TEXT + r')"')
GRAMMAR_ENTRY = re.compile(r"\bgrammar::errors::\w+(\.(unclosed_)?id)?\b|\bentry\.(unclosed_)?id\b")
PASSED_ON = re.compile(r"\b\w+(\.|->)id\(\)")

# String literals of the id shape that are not ids: (file, literal) -> why.
NOT_IDS: dict[tuple[str, str], str] = {}

# Functions named like an error class that are not one: (file, name) -> what they are.
NOT_CLASSES = {
    ("src/cli/cli.cpp", "usage_error"): "a local function that prints the usage text and "
    "returns exit status 2 (docs/errors.md, section cli)",
}

# Macros that make an id from a prefix and a literal argument: name -> (prefix, argument).
ID_MACROS = {
    "NEXTORM_SYNTAX_ERROR": ("syntax.", 1),  # grammar/errors.hpp: "syntax." id
}

# Thrown types that carry no id, and why that is right.
NO_ID_TYPES = {
    "std::bad_alloc": "an allocation failure of a C library, as operator new reports it",
    "usage_failure": "a wrong nextorm command line: exit status 2 and a usage text, no id "
    "(docs/errors.md, section cli)",
}

# The base classes: the error classes of include/nextorm/errors.hpp derive from these.
ROOT_CLASSES = {"error"}


@dataclass
class Forwarder:
    """A helper that takes the id as a parameter and throws it."""

    file: str  # where the helper's throw statement is
    throw_text: str  # that statement, whitespace collapsed
    callee: str  # regex of the helper's name at its call sites
    callers: tuple[str, ...]  # folders or files (relative to the root) whose calls are checked
    id_args: tuple[int, ...]  # the argument positions one of which must hold the id


FORWARDERS = [
    Forwarder("src/schema/registry.cpp", "throw schema_error{id, message}", r"\bfail",
              ("src/schema/registry.cpp",), (0,)),
    Forwarder("src/schema/json_schema.cpp", "throw schema_error{id, message}", r"\bfail",
              ("src/schema/json_schema.cpp",), (0,)),
    Forwarder("src/schema/hierarchy.cpp", "throw schema_error{id, message}", r"\bfail",
              ("src/schema/hierarchy.cpp",), (0,)),
    Forwarder("src/common/types.cpp",
              'throw usage_error(id, "\'" + shown(text) + "\' is not " + what)', r"\bbad",
              ("src/common/types.cpp",), (0,)),
    Forwarder("src/analyze/binder.cpp",
              "throw query_error{category, std::move(id), message, std::string{m_text}, span}",
              r"(?<![:\w])(?:m_binder\.)?fail", ("src/analyze",), (1, 0)),
    Forwarder("src/analyze/analyzer_finish.cpp",
              "throw query_error{error_category::type, id, message, std::string{m_result_text}, "
              "m_result_span}", r"\bfail", ("src/analyze/analyzer_finish.cpp",), (0,)),
    Forwarder("src/parse/syntax_error.cpp",
              "throw query_error{error_category::syntax, id, message, std::string{state.text}, "
              "span}", r"\braise", ("src/parse/syntax_error.cpp",), (1,)),
    Forwarder("src/parse/build_ast.cpp",
              "throw query_error{error_category::syntax, e.id, e.message, "
              "std::string{m_state.text}, s}", r"\bfail", ("src/parse/build_ast.cpp",), (0,)),
]


@dataclass
class Pattern:
    """Throw statements whose ids are "<provider>.<name>", and where the names come from."""

    file: str
    throw_texts: tuple[str, ...]


PATTERNS = [
    # throw_condition(provider, c, message): the id is provider + "." + condition_name(c).
    Pattern("src/driver/error_condition.cpp", (
        "throw unique_violation(std::move(id), message)",
        "throw foreign_key_violation(std::move(id), message)",
        "throw not_null_violation(std::move(id), message)",
        "throw check_violation(std::move(id), message)",
        "throw deadlock_detected(std::move(id), message)",
        "throw serialization_failure(std::move(id), message)",
        "throw lock_timeout(std::move(id), message)",
        'throw connection_lost(std::move(id), message + "; the connection is closed, and the '
        'server has " "rolled back the transaction that was open on it")',
        "throw sql_syntax_error(std::move(id), message)",
    )),
    # PostgreSQL's SQLSTATEs by name: "postgres." + the name column of its two tables.
    Pattern("src/driver/postgres/postgres_error.cpp", (
        "throw integrity_error(std::move(id), message)",
        "throw transaction_error(std::move(id), message)",
        "throw connection_error(std::move(id), message)",
        "throw database_error(category, std::move(id), message)",
    )),
]


@dataclass
class Finding:
    ids: dict[str, list[str]] = field(default_factory=dict)  # id -> where
    problems: list[str] = field(default_factory=list)

    def add(self, ident: str, where: str) -> None:
        self.ids.setdefault(ident, []).append(where)


def strip_comments(text: str) -> str:
    """The text with comments and #include lines blanked; strings and lines kept."""
    out: list[str] = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and re.match(r"[ \t]*#\s*include\b", text[i:i + 200]):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        at_line_start = False
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.index("*/", i) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or
                                                          text[i - 1] == "_")):
            delim_end = text.index("(", i)
            closing = ")" + text[i + 2:delim_end] + '"'
            j = text.index(closing, delim_end) + len(closing)
            # A raw string holds no id by convention: keep its lines, drop its content.
            out.append('R""' + re.sub(r"[^\n]", " ", text[i + 3:j]))
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            if c == "\n":
                at_line_start = True
            out.append(c)
            i += 1
    return "".join(out)


def literal_end(text: str, i: int) -> int:
    """If a string or character literal starts at `i`, the index after it; else `i`. (A quote
    after a digit or letter is a digit separator or a prefix, not a character literal.)"""
    c = text[i]
    if c != '"' and (c != "'" or (i > 0 and text[i - 1].isalnum())):
        return i
    j = i + 1
    while text[j] != c:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def mask(text: str) -> str:
    """The text with the insides of string and character literals blanked (offsets kept), for
    finding keywords and calls that are code, not text."""
    out = list(text)
    i = 0
    while i < len(text):
        after = literal_end(text, i)
        if after == i:
            i += 1
            continue
        for k in range(i + 1, after - 1):
            if out[k] != "\n":
                out[k] = " "
        i = after
    return "".join(out)


def balanced(text: str, start: int) -> int:
    """The index after the bracket that closes the one at `start` (strings are skipped)."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = [pairs[text[start]]]
    i = start + 1
    while stack:
        c = text[i]
        after = literal_end(text, i)
        if after != i:
            i = after
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")}]":
            if c != stack.pop():
                raise ValueError(f"unbalanced brackets at offset {i}")
        i += 1
    return i


def split_args(inner: str) -> list[str]:
    """Top-level comma-separated arguments of a call's inside."""
    args, depth, current, i = [], 0, [], 0
    while i < len(inner):
        c = inner[i]
        after = literal_end(inner, i)
        if after != i:
            current.append(inner[i:after])
            i = after
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    if current and "".join(current).strip():
        args.append("".join(current).strip())
    return args


def statement_end(text: str, start: int) -> int:
    """The index of the ';' that ends the statement starting at `start` (brackets skipped)."""
    i = start
    while text[i] != ";":
        after = literal_end(text, i)
        if after != i:
            i = after
            continue
        if text[i] in "([{":
            i = balanced(text, i)
            continue
        i += 1
    return i


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")").strip()


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def error_classes(sources: dict[str, str]) -> set[str]:
    found = set(ROOT_CLASSES)
    bases = []
    for text in sources.values():
        bases += re.findall(r"\bclass\s+(\w+)\s*(?:final\s*)?:\s*public\s+(?:[\w:]+::)?(\w+)", text)
    changed = True
    while changed:
        changed = False
        for derived, base in bases:
            if base in found and derived not in found:
                found.add(derived)
                changed = True
    return found


def fixed_id_classes(sources: dict[str, str], classes: set[str]) -> set[str]:
    """Error classes whose constructors pass one id literal to their base and take no id."""
    fixed = set()
    for text in sources.values():
        for m in re.finditer(r"\bclass\s+(\w+)\s*(?:final\s*)?:[^{;]*\{", text):
            if m.group(1) not in classes:
                continue
            body = text[m.end() - 1:balanced(text, m.end() - 1)]
            if ID_LITERAL.search(body) and not re.search(r"std::string\s+id\b", body):
                fixed.add(m.group(1))
    return fixed


def condition_names(sources: dict[str, str]) -> list[str]:
    """The provider-independent conditions: enum class condition in driver/error_condition.hpp."""
    text = sources.get("src/driver/error_condition.hpp", "")
    m = re.search(r"enum class condition\b[^{]*\{([^}]*)\}", text)
    return re.findall(r"\b(\w+)\b", m.group(1)) if m else []


def postgres_names(text: str) -> list[str]:
    """The names of PostgreSQL's SQLSTATE tables and its fallback."""
    names = re.findall(r'pg_condition\{"[0-9A-Z]{5}",\s*"(\w+)"', text)
    names += re.findall(r'condition_class\{"[0-9A-Z]{2}",\s*"(\w+)"', text)
    names += re.findall(r'return \{state,\s*"(\w+)"', text)
    return names


def scan(sources: dict[str, str]) -> Finding:
    """Every id the code makes, and every place it cannot explain."""
    result = Finding()
    code = {path: strip_comments(text) for path, text in sources.items()}
    classes = error_classes(code)
    fixed = fixed_id_classes(code, classes)
    class_re = re.compile(r"(?<![\w:.>])(?:nextorm::)?(?:lower::)?(" + "|".join(sorted(classes)) +
                          r")\s*[({]")
    forwarders = {(f.file, squash(f.throw_text)): f for f in FORWARDERS}
    patterns = {(p.file, squash(t)) for p in PATTERNS for t in p.throw_texts}
    used_forwarders: set[tuple[str, str]] = set()
    used_patterns: set[tuple[str, str]] = set()

    # Rule 1: id literals, and ids that a macro makes from a literal.
    for path, text in code.items():
        for macro, (prefix, position) in ID_MACROS.items():
            for m in re.finditer(r"\b" + macro + r"\s*\(", mask(text)):
                if re.search(r"#\s*define\s+$", text[max(0, m.start() - 20):m.start()]):
                    continue
                open_at = m.end() - 1
                args = split_args(text[open_at + 1:balanced(text, open_at) - 1])
                name = re.fullmatch(r'"(\w+)"', args[position]) if len(args) > position else None
                if name is None:
                    result.problems.append(f"{path}:{line_of(text, m.start())}: {macro} needs "
                                           f"a literal as argument {position + 1}")
                    continue
                result.add(prefix + name.group(1), f"{path}:{line_of(text, m.start())}")
        for m in ID_LITERAL.finditer(text):
            if (path, m.group(1)) in NOT_IDS:
                continue
            result.add(m.group(1), f"{path}:{line_of(text, m.start())}")

    def classify(path: str, text: str, start: int, end: int, args: list[str], what: str) -> None:
        body = squash(text[start:end])
        where = f"{path}:{line_of(text, start)}"
        # The id is the first or second argument (the second after a category).
        if any(ID_LITERAL.fullmatch(a) or GRAMMAR_ENTRY.fullmatch(a) or PASSED_ON.fullmatch(a)
               for a in args[:2]):
            return
        if (path, body) in forwarders:
            used_forwarders.add((path, body))
            return
        if (path, body) in patterns:
            used_patterns.add((path, body))
            return
        result.problems.append(f"{where}: cannot tell where the id of this {what} comes from: "
                               f"{body}  (tests/docs/check_error_catalogue.py explains the "
                               f"convention: pass an id literal, or register a forwarder)")

    for path, text in code.items():
        masked = mask(text)
        # Rule 2: throw statements.
        for m in re.finditer(r"\bthrow\b", masked):
            end = statement_end(text, m.start())
            thrown = text[m.end():end].strip()
            if not thrown:
                continue  # throw; rethrows what was caught
            head = re.match(r"(?:nextorm::)?(?:lower::)?([\w:]+)", thrown)
            name = head.group(1) if head else ""
            if name in NO_ID_TYPES or name in fixed:
                continue
            if name not in classes:
                result.problems.append(f"{path}:{line_of(text, m.start())}: throws '{name}', "
                                       f"which is neither an error class with an id nor in "
                                       f"NO_ID_TYPES: {squash(text[m.start():end])}")
                continue
            call = re.match(r"(?:nextorm::)?(?:lower::)?[\w:]+\s*[({]", text[m.end():end].lstrip())
            args = []
            if call:
                open_at = end - len(text[m.end():end].lstrip()) + call.end() - 1
                args = split_args(text[open_at + 1:balanced(text, open_at) - 1])
            classify(path, text, m.start(), end, args, "throw")
        # Rule 2: constructions of error classes outside throw statements (returned, stored,
        # or a base-class initializer in a class with a fixed id).
        for m in class_re.finditer(masked):
            before = text[max(0, m.start() - 40):m.start()]
            if re.search(r"\bthrow\s*$", before):
                continue  # classified above
            if (path, m.group(1)) in NOT_CLASSES:
                continue
            if re.search(r"\b(public|protected|private|class|struct)\s+$", before):
                continue  # a base class or class name in a class head
            open_at = m.end() - 1
            close_at = balanced(text, open_at)
            args = split_args(text[open_at + 1:close_at - 1])
            if any(re.fullmatch(r"(const\s+)?[\w:]+(<[^>]*>)?\s*[&*]?\s*\b\w+", a) and
                   re.search(r"\s|[&*]", a) for a in args):
                continue  # a constructor's declaration: its parameters have types
            if re.search(r"[:,]\s*$", before) and any(re.fullmatch(r"(std::move\()?id\)?", a)
                                                       for a in args):
                continue  # a constructor passing its id parameter on to its base class
            if m.group(1) in fixed:
                continue  # a class that has one id, written in its definition
            classify(path, text, m.start(), close_at, args, "construction")

    # The callers of each forwarder must pass an id.
    for f in FORWARDERS:
        key = (f.file, squash(f.throw_text))
        if key not in used_forwarders and f.file in code:
            result.problems.append(f"{f.file}: the forwarder '{f.throw_text}' listed in "
                                   f"FORWARDERS is gone: update FORWARDERS")
        for path, text in code.items():
            if not any(path == c or path.startswith(c + "/") for c in f.callers):
                continue
            for m in re.finditer(f.callee + r"\s*\(", mask(text)):
                before = text[max(0, m.start() - 60):m.start()]
                if re.search(r"(\bvoid|\w+::)\s*$", before):
                    continue  # the helper's definition
                open_at = m.end() - 1
                args = split_args(text[open_at + 1:balanced(text, open_at) - 1])
                chosen = [args[i] for i in f.id_args if i < len(args)]
                if any(ID_LITERAL.fullmatch(a) or GRAMMAR_ENTRY.fullmatch(a) for a in chosen):
                    continue
                positions = " or ".join(str(i + 1) for i in f.id_args)
                result.problems.append(
                    f"{path}:{line_of(text, m.start())}: a call of the forwarder in {f.file} "
                    f"without an id literal as argument {positions}: "
                    f"{squash(text[m.start():balanced(text, open_at)])}")

    # Provider patterns: throw_condition("<provider>", condition::<name>, ...).
    conditions = condition_names(code)
    for path, text in code.items():
        for m in re.finditer(r"\bthrow_condition\s*\(", mask(text)):
            before = text[max(0, m.start() - 40):m.start()]
            if re.search(r"(\bvoid|\w+::)\s*$", before):
                continue
            open_at = m.end() - 1
            args = split_args(text[open_at + 1:balanced(text, open_at) - 1])
            where = f"{path}:{line_of(text, m.start())}"
            provider = re.fullmatch(r'"(\w+)"', args[0]) if args else None
            if provider is None:
                result.problems.append(f"{where}: throw_condition needs the provider as a literal")
                continue
            named = re.fullmatch(r"condition::(\w+)", args[1]) if len(args) > 1 else None
            if named and named.group(1) in conditions:
                result.add(f"{provider.group(1)}.{named.group(1)}", where)
            elif path == "src/driver/postgres/postgres_error.cpp" and args[1] == "*found.common":
                for c in re.findall(r"pg_condition\{[^}]*condition::(\w+)\}", text):
                    result.add(f"{provider.group(1)}.{c}", where + " (SQLSTATE table)")
            else:
                result.problems.append(f"{where}: cannot tell the condition of this "
                                       f"throw_condition call: {args[1:2]}")
    pg = "src/driver/postgres/postgres_error.cpp"
    if pg in code:
        for name in postgres_names(code[pg]):
            result.add(f"postgres.{name}", f"{pg} (SQLSTATE name table)")
    for p in PATTERNS:
        for t in p.throw_texts:
            if p.file in code and (p.file, squash(t)) not in used_patterns:
                result.problems.append(f"{p.file}: the pattern throw '{t}' listed in PATTERNS is "
                                       f"gone: update PATTERNS")
    return result


def documented_ids(markdown: str) -> dict[str, int]:
    """The ids named in the first cell of a table row: `area.name` or `<provider>.name`."""
    found: dict[str, int] = {}
    for number, line in enumerate(markdown.splitlines(), 1):
        if not line.startswith("|"):
            continue
        cells = line.split("|")
        if len(cells) < 3:
            continue
        for ident in re.findall(r"`((?:<provider>|[a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*)`", cells[1]):
            found.setdefault(ident, number)
    return found


PROVIDERS = ("sqlite", "postgres", "mariadb")


def compare(found: Finding, documented: dict[str, int]) -> list[str]:
    problems = list(found.problems)
    for ident, where in sorted(found.ids.items()):
        area, name = ident.split(".", 1)
        if ident in documented:
            continue
        if area in PROVIDERS and f"<provider>.{name}" in documented:
            continue
        problems.append(f"{where[0]}: error id '{ident}' is not documented in docs/errors.md "
                        f"(add a table row whose first cell is `{ident}`)")
    for ident, line in sorted(documented.items(), key=lambda item: item[1]):
        area, name = ident.split(".", 1)
        if ident in found.ids:
            continue
        if area == "<provider>" and any(f"{p}.{name}" in found.ids for p in PROVIDERS):
            continue
        problems.append(f"docs/errors.md:{line}: documents error id '{ident}', which nothing in "
                        f"src/, include/ or grammar/ makes")
    return problems


def read_sources(root: pathlib.Path) -> dict[str, str]:
    sources = {}
    for folder in ("src", "include", "grammar"):
        for p in sorted((root / folder).rglob("*")):
            if p.suffix in (".cpp", ".hpp", ".h", ".ipp") and p.is_file():
                sources[p.relative_to(root).as_posix()] = p.read_text(encoding="utf-8")
    return sources


def check(root: pathlib.Path) -> int:
    found = scan(read_sources(root))
    documented = documented_ids((root / "docs/errors.md").read_text(encoding="utf-8"))
    problems = compare(found, documented)
    for p in problems:
        print(f"error_catalogue: {p}")
    print(f"error_catalogue: {len(found.ids)} ids in the code, {len(documented)} in "
          f"docs/errors.md, {len(problems)} problem(s)")
    return 1 if problems else 0


def self_test() -> int:
    """The check fails on an undocumented id, an unexplained throw and an unknown thrown type."""
    doc = "| id | message |\n| --- | --- |\n| `demo.known` | known |\n| `<provider>.lost` | x |\n"
    uses = 'auto a = "demo.known"; auto b = "sqlite.lost";\n'
    forwarder = ("[[noreturn]] void fail(const char* id, const std::string& message) {\n"
                 "  throw schema_error{id, message};\n}\n")
    registry = "src/schema/registry.cpp"
    # name -> (files besides the class definitions, whether the check must fail)
    cases = {
        "a documented id passes": ({"src/demo.cpp": 'throw usage_error("demo.known", "m");'}, 0),
        "an undocumented id fails": (
            {"src/demo.cpp": 'throw usage_error("demo.planted", "m");'}, 1),
        "an id in a multi-line call passes": (
            {"src/demo.cpp": 'throw usage_error(\n  "demo.known",\n "m");'}, 0),
        "a commented id is no id": (
            {"src/demo.cpp": '// throw usage_error("demo.planted", "m")\nint x;'}, 0),
        "an id from a variable fails": ({"src/demo.cpp": 'throw usage_error(make_id(), "m");'}, 1),
        "an unknown thrown type fails": ({"src/demo.cpp": 'throw std::runtime_error("m");'}, 1),
        "a stored error without an id literal fails": (
            {"src/demo.cpp": 'auto e = usage_error(name, "m");'}, 1),
        "a provider condition passes as <provider>.": (
            {"src/demo.cpp": 'throw_condition("sqlite", condition::lost, m);'}, 0),
        "an unknown condition fails": (
            {"src/demo.cpp": 'throw_condition("sqlite", pick(), m);'}, 1),
        "a forwarder called with an id literal passes": (
            {registry: forwarder + 'void f() { fail("demo.known", "m"); }'}, 0),
        "a forwarder called without an id literal fails": (
            {registry: forwarder + 'void f() { fail(name, "m"); }'}, 1),
        "an unregistered forwarder fails": (
            {"src/demo.cpp": forwarder + 'void f() { fail("demo.known", "m"); }'}, 1),
        "'throw' inside a string is no throw": ({"src/demo.cpp": 'auto s = "we throw x(y)";'}, 0),
        "a bracket in a character literal is no bracket": (
            {"src/demo.cpp": 'throw usage_error("demo.known", std::string(1, \'(\'));'}, 0),
        "an id literal in the message only fails": (
            {"src/demo.cpp": 'throw usage_error(id, "m", "demo.known");'}, 1),
        "a documented id nothing makes fails": ({}, 1),
    }
    failures = 0
    for name, (files, expected) in cases.items():
        sources = {
            "include/nextorm/errors.hpp": "class error {};\nclass usage_error : public error {};\n"
                                          "class schema_error : public error {};\n",
            "src/driver/error_condition.hpp": "enum class condition { lost };\n",
        }
        sources.update({path: text + "\n" for path, text in files.items()})
        if files:
            sources["src/uses.cpp"] = uses
        problems = compare(scan(sources), documented_ids(doc))
        got = 1 if problems else 0
        if got != expected:
            failures += 1
            print(f"self-test FAILED: {name}: expected {'a failure' if expected else 'a pass'}, "
                  f"got {problems or 'a pass'}")
    print(f"error_catalogue self-test: {len(cases) - failures} of {len(cases)} cases pass")
    return 1 if failures else 0


def list_ids(root: pathlib.Path) -> int:
    """Prints every id the code makes and where, for writing docs/errors.md."""
    for ident, where in sorted(scan(read_sources(root)).ids.items()):
        print(f"{ident}  {' '.join(sorted(set(where)))}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if sys.argv[1:2] == ["--list"]:
        sys.exit(list_ids(pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ".")))
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
    sys.exit(check(root))
