"""The package's shape stays readable as it grows: no module over 400 lines, no function over 60
lines, and no block of six or more lines written twice (compared after dropping blank lines,
comments, imports and docstrings, so only code counts)."""

from __future__ import annotations

import ast
import hashlib
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reminder_bot"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MIN_REPEAT_LINES = 6


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def shown(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def test_no_module_over_the_limit() -> None:
    long = {
        shown(p): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: split them by concern"


def test_no_function_over_the_limit() -> None:
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                assert node.end_lineno is not None
                if node.end_lineno - start + 1 > MAX_FUNCTION_LINES:
                    long.append(f"{shown(path)}:{node.lineno} {node.name}")
    assert long == [], f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                assert body[0].end_lineno is not None
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, stripped text) of the lines that are code."""
    text = path.read_text()
    skip = docstring_lines(ast.parse(text))
    kept = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if number in skip or not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("import ", "from ")) or len(stripped) <= 2:
            continue  # imports and lone brackets say nothing about repeated logic
        kept.append((number, stripped))
    return kept


def test_no_block_repeated() -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for path in modules():
        lines = code_lines(path)
        for i in range(len(lines) - MIN_REPEAT_LINES + 1):
            window = lines[i : i + MIN_REPEAT_LINES]
            key = hashlib.sha1("\n".join(text for _, text in window).encode()).hexdigest()
            seen[key].append(f"{shown(path)}:{window[0][0]}-{window[-1][0]}")
    repeated = sorted({tuple(places) for places in seen.values() if len(places) > 1})
    assert repeated == [], f"blocks of {MIN_REPEAT_LINES}+ code lines written twice: {repeated}"
