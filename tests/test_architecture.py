"""The shape of the code, checked: stage order, where the words live, and size limits. Fast tier."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
# The pipeline, in order. A stage may import earlier stages, never a later one.
STAGES = ("understand", "retrieval", "decide", "compose", "render")
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_CLASS_LINES = 150
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT)))
def test_the_core_never_imports_a_channel(path: Path) -> None:
    if "channels" in path.parts or path.name == "cli.py":
        return  # channels and the command line sit on top of the core
    assert not any(name.startswith("bot.channels") for name in _imports(path))


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_imports_a_later_one(stage: str) -> None:
    later = STAGES[STAGES.index(stage) + 1 :]
    imported = _imports(BOT / f"{stage}.py")
    assert not [
        name
        for name in imported
        if any(name in (f"bot.{s}", f"bot.{s}.") or name.startswith(f"bot.{s}.") for s in later)
    ]


def _allowed_strings(tree: ast.Module) -> set[int]:
    """Docstrings, and constants assigned to private module-level names (parsing patterns and tables)."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            allowed.add(id(body[0].value))
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id.startswith("_") for t in targets):
            allowed.update(id(n) for n in ast.walk(node))
    return allowed


@pytest.mark.parametrize(
    "path", [p for p in _modules() if p.name != "presentation.py"], ids=lambda p: str(p.relative_to(BOT))
)
def test_user_facing_chinese_lives_in_presentation(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = _allowed_strings(tree)
    found = [
        f"{path.name}:{node.lineno}: {node.value[:40]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and id(node) not in allowed
        and not re.fullmatch(r"[\u3400\u9fff]", node.value)
    ]
    assert not found, "move these to bot/presentation.py (or a private parsing constant):\n" + "\n".join(found)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT)))
def test_classes_and_functions_stay_small(path: Path) -> None:
    too_long = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        limit = (
            MAX_CLASS_LINES
            if isinstance(node, ast.ClassDef)
            else MAX_FUNCTION_LINES
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            else None
        )
        if limit is not None and node.end_lineno - node.lineno + 1 > limit:
            too_long.append(f"{node.name}: {node.end_lineno - node.lineno + 1} lines (limit {limit})")
    assert not too_long


def test_the_readme_says_what_privacy_says() -> None:
    from bot.presentation import privacy_text

    readme = (BOT.parent / "README.md").read_text(encoding="utf-8")
    assert all(line in readme for line in privacy_text(180).splitlines())
