"""How plainpress's modules depend on each other, read from their source with ast: the model imports
nothing above it, and the id of each kind of target is spelled only in plainpress/model/anchors.py."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from plainpress.model import (
    block_anchor,
    chapter_anchor,
    chapter_of,
    citation_anchor,
    heading_prefix,
    part_anchor,
    red_flag_anchor,
    reference_anchor,
    term_anchor,
    term_use_anchor,
    title_anchor,
)

PACKAGE = Path(__file__).resolve().parent.parent / "plainpress"
ANCHORS = PACKAGE / "model" / "anchors.py"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The plainpress modules ``name`` imports anywhere in its source (a function's lazy import too)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            base = base if node.level else node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def test_the_model_imports_only_the_model_and_the_leaves_below_it():
    known = _modules()
    allowed = {"plainpress.errors", "plainpress.messages", "plainpress.paths", "plainpress.trust"}
    allowed |= {"plainpress.sources.schema", "plainpress.sources.yamlsrc", "plainpress.sources.yamlerrors"}
    for name, path in known.items():
        if name == "plainpress.model" or name.startswith("plainpress.model."):
            above = {m for m in _imports(name, path, known) if not m.startswith("plainpress.model")} - allowed
            assert not above, f"{name} imports {sorted(above)}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_among_plainpress_modules():
    """Imports go one way, lazy imports inside functions included: no module reaches itself again."""
    known = _modules()
    graph = {name: _imports(name, path, known) for name, path in known.items()}
    assert len(graph) > 100 and graph["plainpress.pipeline"]  # the whole package was read
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle_through_a_lazy_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    known = _modules()
    assert "plainpress.sources.bibliography" in _imports(
        "plainpress.stages.gather", known["plainpress.stages.gather"], known
    )


# The outputs a build makes; the modules they share (EPUB zip, braille cells, page list) are not outputs.
OUTPUTS = ("audio", "book_pdf", "braille", "cards", "epub", "handouts", "read_aloud")


def test_an_output_imports_no_other_output():
    known = _modules()
    outputs = {f"plainpress.outputs.{name}" for name in OUTPUTS}
    assert outputs <= set(known)
    for name in sorted(outputs):
        others = _imports(name, known[name], known) & (outputs - {name})
        assert not others, f"{name} imports {sorted(others)}"


def _literals(path: Path) -> list[tuple[int, str, bool]]:
    """Every string literal of a module and every literal part of its f-strings, with its line and
    whether it is a part of an f-string."""
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            found += [(node.lineno, str(v.value), True) for v in node.values if isinstance(v, ast.Constant)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value, False))
    return sorted(set(found))


def test_target_ids_are_spelled_only_in_the_model():
    spelled = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == ANCHORS:
            continue
        for line, text, formatted in _literals(path):
            joins = formatted and text in ("--", "--part", "--title")  # f"{slug}--{fragment}"
            joins = joins or (formatted and text in ("b", "cite-", "gloss-", "flag-"))  # f"{prefix}cite-{n}"
            if text.startswith(("ref-", "term-", "#ref-", "#term-")) or joins:
                spelled.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}")
    templates = PACKAGE.parent / "layouts"
    for path in sorted(templates.rglob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "}}--" in line or '"ref-' in line or '"term-' in line:
                spelled.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()[:80]}")
    assert not spelled, "an id spelled outside plainpress/model/anchors.py:\n" + "\n".join(spelled)


def test_anchors():
    prefix = heading_prefix("when-to-worry")
    ids = [f(prefix, 3) for f in (block_anchor, citation_anchor, term_use_anchor, red_flag_anchor)]
    assert ids == ["when-to-worry--b3", "when-to-worry--cite-3", "when-to-worry--gloss-3", "when-to-worry--flag-3"]
    assert {chapter_of(i) for i in ids} == {"when-to-worry"}
    assert chapter_anchor("when-to-worry") == "when-to-worry"
    assert chapter_anchor("when-to-worry", "red-flags") == "when-to-worry--red-flags"
    assert chapter_of(chapter_anchor("when-to-worry", "red-flags")) == "when-to-worry"
    assert chapter_of(title_anchor("a-b")) == chapter_of(part_anchor("a-b")) == "a-b"
    assert len({chapter_anchor("a", "x"), title_anchor("a"), part_anchor("a"), chapter_anchor("a")}) == 4
    assert reference_anchor("smith2020") == "ref-smith2020"
    assert term_anchor("Benzodiazepine (BZD)") == "term-benzodiazepine-bzd"


RUN_AND_LIST_MODULES = """
import sys
from plainpress.cli import main
code = main(sys.argv[1:])
print("\\n".join(sorted(sys.modules)))
sys.exit(code)
"""


def test_only_epub_loads_neither_weasyprint_nor_pikepdf(tmp_path):
    """``build --only epub`` (with the cache, as editors run it) lays out no PDF, so it must not even
    import the PDF renderer or pikepdf: the modules loaded once the build is done are listed."""
    book = shutil.copytree(Path(__file__).parent / "fixtures" / "mini", tmp_path / "book")
    command = [sys.executable, "-c", RUN_AND_LIST_MODULES, "build", "--book", str(book), "--only", "epub"]
    done = subprocess.run([*command, "--out", str(tmp_path / "dist")], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert {"plainpress.outputs.epub", "plainpress.pipeline", "ebooklib"} <= loaded
    assert list((tmp_path / "dist").glob("*.epub"))
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("weasyprint", "pikepdf", "pydyf"))
    assert heavy == [], heavy
