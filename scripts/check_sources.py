#!/usr/bin/env python3
"""Source checks that the compiler does not make, run by scripts/test.sh.

g++ 12 miscompiles two things in coroutines, silently (DESIGN.md section 6):
  - a braced temporary inside a co_await expression: `co_await f(Request{...})` frees the temporary's
    members twice (std::string members crash with "free(): invalid pointer");
  - a capturing lambda inside a co_await expression (double free).
Both are caught here: name the value first, then co_await. Exits 1 and lists the places when found.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def strip_literals_and_comments(text: str) -> str:
    # Keeps offsets (line numbers) by replacing removed characters with spaces.
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = [c if c == "\n" else " " for c in text[i:j]]
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            if not m:
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out[i:j] = [c if c == "\n" else " " for c in text[i:j]]
            i = j
        elif text[i] in "\"'":
            quote, j = text[i], i + 1
            while j < n and text[j] != quote:
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + 1)
            out[i:j] = " " * (j - i)
            i = j
        else:
            i += 1
    return "".join(out)


def co_await_expressions(code: str):
    for m in re.finditer(r"\bco_await\b", code):
        depth, j = 0, m.end()
        while j < len(code):
            c = code[j]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif c == ";" and depth == 0:
                break
            j += 1
        yield m.start(), code[m.end():j]


def main() -> int:
    problems = []
    for path in sorted(list((ROOT / "src").rglob("*.cpp")) + list((ROOT / "tests").rglob("*.cpp")) +
                       list((ROOT / "bench").rglob("*.cpp"))):
        code = strip_literals_and_comments(path.read_text())
        for start, expr in co_await_expressions(code):
            line = code.count("\n", 0, start) + 1
            if re.search(r"[A-Za-z_][A-Za-z0-9_:>]*\s*\{", expr):
                problems.append(f"{path.relative_to(ROOT)}:{line}: braced temporary inside co_await")
            if re.search(r"\[[^\]]*\]\s*\(", expr) and re.search(r"\[[^\]]*[=&a-zA-Z_][^\]]*\]\s*\(", expr):
                problems.append(f"{path.relative_to(ROOT)}:{line}: capturing lambda inside co_await")
    for p in problems:
        print(p)
    if problems:
        print("g++ 12 miscompiles these (see scripts/check_sources.py): name the value first, then co_await it.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
