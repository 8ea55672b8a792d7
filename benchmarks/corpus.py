"""Synthetic benchmark book: N articles copied round-robin from the sample book's chapters.

    python benchmarks/corpus.py N OUTDIR      # writes OUTDIR/book and prints its path

Article i (from 1) is a copy of sample chapter (i - 1) % 4 with the slug ``<sample-slug>-<i>`` (zero-padded)
and the title ``<sample title> (i)``. Links between chapters point at the copy in the same group of four, or at
the first copy when the group is incomplete. Glossary, references and red flags are the sample's, so the
red-flag card (which drops repeated signs) holds exactly the sample's signs. This is test data, not content.
"""

from __future__ import annotations

import re
import shutil
import sys
import uuid
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "book"
PROFILE = "northgate-health-centre"
NOTE = "Synthetic benchmark data made by benchmarks/corpus.py from the plainpress sample book: not for patients."
FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
LINK = re.compile(r"\[([^\]]*)\]\(([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[^)\s]*)?\)")
RED_FLAG = re.compile(r"^::: *red-flag +(\w+) *\n(.*?)^:::", re.M | re.S)


def sample_chapters(sample: Path = SAMPLE) -> list[str]:
    """The sample's chapter slugs in reading order (parts flattened)."""
    config = yaml.safe_load((sample / "book.yaml").read_text(encoding="utf-8"))
    slugs: list[str] = []
    for entry in config["chapters"]:
        slugs += entry["chapters"] if isinstance(entry, dict) else [entry]
    return slugs


def copy_slug(sample_slug: str, index: int, width: int) -> str:
    return f"{sample_slug}-{index:0{width}d}"


def _target(samples: list[str], n: int, index: int, linked: str) -> int | None:
    """Index (from 1) of the copy of sample chapter ``linked`` that article ``index`` links to."""
    if linked not in samples:
        return None
    k = samples.index(linked)
    group_start = (index - 1) // len(samples) * len(samples)
    for candidate in (group_start + k + 1, k + 1):
        if candidate <= n:
            return candidate
    return None


def _front_matter(text: str, title_suffix: str, url_suffix: str) -> str:
    """The sample's front matter, edited as text (its layout kept): a note, a distinct title and url."""
    match = FRONT.match(text)
    if match is None:
        raise ValueError("a sample article has no front matter")
    lines = []
    for line in match.group(1).splitlines():
        key, _, value = line.partition(":")
        if key == "title":
            line = f"title: {value.strip()}{title_suffix}"
        elif key == "url" and value.strip():
            line = f"url: {value.strip().rstrip('/')}{url_suffix}"
        lines.append(line)
    return "---\n# " + NOTE + "\n" + "\n".join(lines) + "\n---\n" + text[match.end() :]


def make_article(samples: list[str], sample_dir: Path, n: int, index: int, width: int) -> str:
    sample_slug = samples[(index - 1) % len(samples)]
    text = (sample_dir / "articles" / f"{sample_slug}.md").read_text(encoding="utf-8")
    text = _front_matter(text, f" ({index})", f"-{index:0{width}d}")

    def relink(match: re.Match[str]) -> str:
        target = _target(samples, n, index, match.group(2))
        if target is None:  # the corpus has no copy of that chapter: keep the words, drop the link
            return match.group(1) if match.group(2) in samples else match.group(0)
        return f"[{match.group(1)}]({copy_slug(match.group(2), target, width)}.md{match.group(3) or ''})"

    head, body = text.split("\n---\n", 1)
    return head + "\n---\n" + LINK.sub(relink, body)


def _book_yaml(sample: Path, n: int, slugs: list[str]) -> str:
    config = yaml.safe_load((sample / "book.yaml").read_text(encoding="utf-8"))
    config["title"] = f"Benchmark corpus (synthetic, {n} articles) — not for patients"
    config["subtitle"] = "Synthetic test data made from the plainpress sample book"
    config["sample"] = True
    config["identifier"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'plainpress-benchmark-corpus-{n}')}"
    config["chapters"] = slugs
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    return f"# {NOTE}\n# Regenerate with: python benchmarks/corpus.py {n} OUTDIR\n{body}"


def _with_note(text: str) -> str:
    return f"# {NOTE}\n{text}"


def red_flags(folder: Path) -> set[tuple[str, str]]:
    """Every (tier, sign) of a book's articles, with whitespace and a final full stop ignored (as the card does)."""
    signs = set()
    for path in (folder / "articles").glob("*.md"):
        for tier, block in RED_FLAG.findall(path.read_text(encoding="utf-8")):
            for line in block.splitlines():
                if line.lstrip().startswith(("-", "*")):
                    signs.add((tier, " ".join(line.lstrip()[1:].casefold().split()).rstrip(".")))
    return signs


def make_corpus(n: int, outdir: Path, sample: Path = SAMPLE) -> Path:
    """Write a synthetic book of ``n`` articles to ``outdir/book`` (replacing it) and return that folder."""
    if n < 1:
        raise ValueError("a corpus needs at least one article")
    samples = sample_chapters(sample)
    width = max(3, len(str(n)))
    book = Path(outdir) / "book"
    if book.exists():
        shutil.rmtree(book)
    (book / "articles").mkdir(parents=True)
    (book / "profiles").mkdir()
    slugs = [copy_slug(samples[(i - 1) % len(samples)], i, width) for i in range(1, n + 1)]
    for i, slug in enumerate(slugs, 1):
        (book / "articles" / f"{slug}.md").write_text(make_article(samples, sample, n, i, width), encoding="utf-8")
    (book / "book.yaml").write_text(_book_yaml(sample, n, slugs), encoding="utf-8")
    glossary = (sample / "glossary.yaml").read_text(encoding="utf-8")
    (book / "glossary.yaml").write_text(_with_note(glossary), encoding="utf-8")
    shutil.copyfile(sample / "references.json", book / "references.json")  # JSON: no comment possible
    profile = (sample / "profiles" / f"{PROFILE}.yaml").read_text(encoding="utf-8").rstrip("\n")
    profile += "\n# One handout per article (standard print only), so the benchmark measures one variant.\n"
    profile += "sizes: [standard]\n"
    (book / "profiles" / f"{PROFILE}.yaml").write_text(_with_note(profile), encoding="utf-8")
    if not red_flags(book) <= red_flags(sample):
        raise AssertionError("the corpus has red-flag signs that the sample book does not have")
    return book


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: python benchmarks/corpus.py N OUTDIR", file=sys.stderr)
        return 2
    print(make_corpus(int(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


ARTICLE_EDIT = "\nMany people find it helps to write down their questions before a visit.\n"
GLOSSARY_EDIT = " Most twitches like this are harmless."


def chapter_slugs(book: Path) -> list[str]:
    import yaml

    config = yaml.safe_load((book / "book.yaml").read_text(encoding="utf-8"))
    return [s for e in config["chapters"] for s in (e["chapters"] if isinstance(e, dict) else [e])]


def edit_article(book: Path, n: int) -> None:
    """Append a sentence to the middle article of the book (on top of any earlier edit)."""
    path = book / "articles" / f"{chapter_slugs(book)[(n - 1) // 2]}.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + ARTICLE_EDIT, encoding="utf-8")


def edit_glossary(book: Path) -> str:
    """Add a sentence to the first glossary entry's definition (edited as text); returns its term."""
    path = book / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^(\s*)definition: (.+)$", text, re.M)
    term = re.search(r"^- term: (.+)$", text, re.M)
    if match is None or term is None or match.group(2).startswith((">", "|", '"', "'")):
        from measure import BenchError

        raise BenchError(f"{path}: no plain one-line definition to edit")
    path.write_text(text[: match.end()] + GLOSSARY_EDIT + text[match.end() :], encoding="utf-8")
    return term.group(1).strip()
