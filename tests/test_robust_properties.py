"""Property-based tests: random front matter, Markdown, glossaries, references and book settings
go to the loaders and the Markdown extensions. Whatever the input, the only failure allowed is our
own error type with a location (``assert_ours``); no other exception, no traceback. Example counts
are bounded and derandomized, so a run tries the same inputs every time."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from plainpress.errors import PlainpressError
from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.limits import LimitError
from plainpress.mdext.redflags import FlagPolicy
from plainpress.model import Article, ArticleMeta
from plainpress.sources.bibliography import format_entries, load_references
from plainpress.sources.glossary import GlossaryIndex, load_glossary
from plainpress.sources.yamlsrc import sources_inside
from plainpress.stages.analyse import analyse
from plainpress.stages.gather import gather, load_article, load_config

from .robust_helpers import MINI, article, assert_ours, copy_mini

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
CONTACTS = {"emergency_number": "999", "advice_line": "0300", "advice_line_name": "the line", "out_of_hours": "1"}
XHTML_WRAP = '<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">{}</div>'

# ---------------------------------------------------------------- strategies

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    st.sampled_from(["2026-01-02", "2026-02-30", "2026-1-2", "yesterday", "0000-00-00", "9999-12-31", "", " "]),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=12
)
FRONT_KEYS = ["title", "summary", "date", "reviewed", "next_review", "authors", "reviewers", "keywords", "url"]
front_matter = st.dictionaries(
    st.sampled_from([*FRONT_KEYS, "citations", "titel", "dates", "x"]) | text,
    st.one_of(values, st.dictionaries(st.integers(-5, 50) | text, values, max_size=3)),
    max_size=8,
)


def _dump(data: object) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(data)


raw_yaml = st.one_of(
    front_matter.map(_dump),
    st.text(st.sampled_from(list("abc: -[]{}'\"#&*!|>%@`\t\n ,?2026\\")), max_size=80),
    text,
)

HOSTILE_PATHS = [
    "pic.png",
    "../images/pic.png",
    "../../../../etc/passwd",
    "/etc/hostname",
    "file:///etc/hostname",
    "http://example.com/a.png",
    "https://example.com/a.svg",
    "//example.com/a.png",
    "data:image/png;base64,AAAA",
    "javascript:alert(1)",
    "C:\\Windows\\x.png",
    "%2e%2e/%2e%2e/secret.png",
    "",
    " ",
    "pic.png#frag?q",
]
MARKDOWN_CHARS = list("#*_[]()!<>:|-`{}=&;.\\/@'\" \t\n1aZéЖΩ")
blocks = st.one_of(
    text,
    st.text(st.sampled_from(MARKDOWN_CHARS), max_size=120),
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), text),
    st.builds(lambda n, t: "    " * n + "- " + t, st.integers(0, 30), text),
    st.builds(lambda n, t: "> " * n + t, st.integers(1, 30), text),
    st.builds(lambda n, t: "- " * n + t, st.integers(1, 30), text),
    st.builds(lambda n, t: "1. " * n + t, st.integers(1, 30), text),
    st.builds(
        lambda tier: f"::: red-flag {tier}", st.sampled_from(["emergency", "urgent", "routine", "", "bad", "x y"])
    ),
    st.just(":::"),
    st.builds(lambda k: f"[@{k}]", st.sampled_from(["ref-a", "missing", "a;b", "", "@", "x, p. 3"]) | text),
    st.sampled_from(["[1]", "[1-3]", "[2, 9]", "[web:14, not provided]", "[99999999999999999999]", "[0-1000000]"]),
    st.builds(lambda alt, p: f"![{alt}]({p})", text, st.sampled_from(HOSTILE_PATHS)),
    st.builds(lambda p: f"[a link]({p})", st.sampled_from([*HOSTILE_PATHS, "other.md#x", "first-steps.md"])),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '<img src="x" onerror="alert(1)">',
            '<iframe src="https://example.com"></iframe>',
            "line<br>break",
            "non&nbsp;breaking &amp; &copy; &#0; &#x110000; &#xD800; &bogus;",
            "<div><p>unclosed",
            "</div></span>",
            '<span style="background:url(http://x)">s</span>',
            "<style>p{background:url(https://x)}</style>",
            "<!-- comment --> <?php echo 1 ?> <![CDATA[x]]>",
            '<a href="javascript:alert(1)">x</a>',
            "<svg><script>alert(1)</script></svg>",
            "<math><mi>x</mi></math>",
            '<table><tr><td colspan="-1">x</td></tr></table>',
            "<div>" * 30 + "deep" + "</div>" * 30,
            "*" * 60 + "x" + "*" * 60,
            "[" * 40 + "x",
            "`" * 7 + "code" + "`" * 3,
            "Heading {: onclick=alert(1) #id .cls }",
            "{: onclick=alert(1) }",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "term\n: definition\n: : nested",
            "\u202e\u200b\ufeff\u00ad text",
            "\U0001f600 \u6f22\u5b57 \u0627\u0644",
        ]
    ),
)
markdown_bodies = st.lists(blocks, max_size=12).flatmap(
    lambda items: st.lists(st.sampled_from(["\n", "\n\n", " "]), min_size=len(items), max_size=len(items)).map(
        lambda seps: "".join(b + s for b, s in zip(items, seps, strict=True))
    )
)

# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def workspace():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def _book(workspace: Path) -> Path:
    root = workspace / "book"
    if not root.exists():
        copy_mini(root)
    return root


def _policy() -> OutputPolicy:
    return OutputPolicy(flags=FlagPolicy(contacts=CONTACTS))


def _is_safe_xhtml(html: str) -> None:
    root = etree.fromstring(XHTML_WRAP.format(html).encode())  # well-formed XML, as the EPUB needs
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        assert name not in ("script", "iframe", "object", "embed", "style", "svg"), name
        for attribute, value in element.attrib.items():
            assert not etree.QName(attribute).localname.lower().startswith("on"), attribute
            assert not value.strip().lower().startswith(("javascript:", "vbscript:")), value


# ---------------------------------------------------------------- properties


@pytest.mark.timeout(120)
@settings(SETTINGS, max_examples=150)
@given(raw=raw_yaml | front_matter.map(_dump), body=st.sampled_from(["", "Body.\n", "## H\n"]))
def test_random_front_matter_fails_only_as_our_error(workspace, raw, body):
    root = _book(workspace)
    path = root / "articles" / "prop.md"
    path.write_text(f"---\n{raw}\n---\n{body}", encoding="utf-8")
    with sources_inside(root):
        try:
            loaded = load_article(path, "prop", 2_000_000)
        except Exception as error:
            assert_ours(error, where=path)
            return
    assert loaded.meta.title and loaded.path == path


@pytest.mark.timeout(60)
@settings(SETTINGS, max_examples=60)
@given(data=st.binary(max_size=300))
def test_random_bytes_as_an_article_fail_only_as_our_error(workspace, data):
    root = _book(workspace)
    path = root / "articles" / "bytes.md"
    path.write_bytes(data)
    with sources_inside(root):
        try:
            load_article(path, "bytes", 2_000_000)
        except Exception as error:
            assert_ours(error, where=path)


@pytest.mark.timeout(180)
@settings(SETTINGS, max_examples=200)
@given(body=markdown_bodies)
def test_random_markdown_converts_safely_or_fails_as_our_error(workspace, body):
    root = _book(workspace)
    meta = ArticleMeta(title="T", summary="S", date=None, citations={1: "ref-a", 2: "missing"})  # type: ignore[arg-type]
    item = Article(slug="prop", path=root / "articles" / "prop.md", meta=meta, body=body, body_line=6)
    try:
        result = convert(item, _policy())
    except Exception as error:
        assert_ours(error)
        assert isinstance(error, LimitError), f"{type(error).__name__}: {error}"  # noqa: PT017
        return
    _is_safe_xhtml(result.html)
    for problem in result.guard.problems:
        assert problem.code in {"I001", "I002", "I003", "I004", "U001", "W001"} and problem.message


@pytest.mark.timeout(240)
@settings(SETTINGS, max_examples=40)
@given(body=markdown_bodies)
def test_random_markdown_through_gather_and_analyse(workspace, body):
    """The whole reading of a book: gather, analyse (every extension, every check, glyphs)."""
    root = _book(workspace)
    (root / "articles" / "first-steps.md").write_text(article(body=body), encoding="utf-8")
    try:
        book = analyse(gather(root))
    except Exception as error:
        assert_ours(error, where=root)
        return
    for finding in book.findings:
        assert Path(finding.location.path).resolve().is_relative_to(root.resolve())


glossary_items = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"term": values, "definition": values},
            optional={"forms": values, "see_also": values, "pronunciation": values, "extra": values},
        ),
        values,
    ),
    max_size=6,
)


@pytest.mark.timeout(120)
@settings(SETTINGS, max_examples=100)
@given(raw=st.one_of(glossary_items.map(_dump), raw_yaml), body=markdown_bodies)
def test_random_glossary_loads_and_links_or_reports(workspace, raw, body):
    root = _book(workspace)
    (root / "glossary.yaml").write_text(raw, encoding="utf-8")
    entries, findings, _path = load_glossary(root)  # never raises: every problem is a finding
    for finding in findings:
        assert finding.location.path == root / "glossary.yaml"
    meta = ArticleMeta(title="T", summary="S", date=None)  # type: ignore[arg-type]
    item = Article(slug="g", path=root / "articles" / "g.md", meta=meta, body=body, body_line=6)
    policy = _policy()
    policy.glossary = GlossaryIndex.build(entries)
    try:
        _is_safe_xhtml(convert(item, policy).html)
    except LimitError as error:
        assert_ours(error)


csl_entries = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"id": values},
            optional={
                "type": st.sampled_from(["article-journal", "book", "webpage", "nonsense"]) | values,
                "title": values,
                "author": st.lists(st.fixed_dictionaries({}, optional={"family": values, "given": values}) | values),
                "issued": st.fixed_dictionaries({}, optional={"date-parts": values}) | values,
                "DOI": values,
                "URL": values,
                "container-title": values,
                "page": values,
                "volume": values,
            },
        ),
        values,
    ),
    max_size=5,
)
bibtex = st.lists(
    st.one_of(
        st.builds(
            lambda kind, key, fields: (
                f"@{kind}{{{key},\n" + "".join(f"  {k} = {{{v}}},\n" for k, v in fields.items()) + "}\n"
            ),
            st.sampled_from(["article", "book", "misc", "online", "weird", ""]),
            st.text(st.sampled_from(list("abc123:_-{}, ")), max_size=12),
            st.dictionaries(
                st.sampled_from(["title", "author", "year", "date", "month", "doi", "url", "journal", "pages", "x"]),
                st.text(st.sampled_from(list("ab {}\\\"'&%$#_~^0123 and,.-")), max_size=30),
                max_size=6,
            ),
        ),
        text,
    ),
    max_size=5,
).map("\n".join)


@pytest.mark.timeout(180)
@settings(SETTINGS, max_examples=100)
@given(entries=csl_entries, bib=bibtex, as_json=st.booleans())
def test_random_references_load_and_format_or_report(workspace, entries, bib, as_json):
    root = _book(workspace)
    shutil.copy(MINI / "references.json", root / "references.json")
    try:
        payload = json.dumps(entries, allow_nan=True)
    except (TypeError, ValueError):
        payload = "[not json"
    (root / "references.json").write_text(payload if as_json else "[]", encoding="utf-8")
    (root / "references.bib").write_text(bib, encoding="utf-8")
    try:
        references, findings = load_references(root)  # never raises: every problem is a finding
        for finding in findings:
            assert finding.location.path.name in ("references.json", "references.bib")
        try:
            format_entries(list(references.values()))
        except PlainpressError as error:
            assert_ours(error)
    finally:
        (root / "references.bib").unlink()
        shutil.copy(MINI / "references.json", root / "references.json")


BOOK_KEYS = ["title", "language", "identifier", "edition", "publisher", "editors", "published", "reviewed"]


@pytest.mark.timeout(120)
@settings(SETTINGS, max_examples=100)
@given(
    changes=st.dictionaries(
        st.sampled_from([*BOOK_KEYS, "limits", "contacts", "chapters", "paper", "sample", "citation_style", "titel"]),
        st.one_of(
            values,
            st.fixed_dictionaries({}, optional={"article_bytes": values, "nesting": values, "bogus": values}),
        ),
        max_size=5,
    ),
    drop=st.lists(st.sampled_from(BOOK_KEYS), max_size=2),
)
def test_random_book_settings_fail_only_as_our_error(workspace, changes, drop):
    root = _book(workspace)
    good = yaml.safe_load((MINI / "book.yaml").read_text())
    data = {k: v for k, v in good.items() if k not in drop} | changes
    (root / "book.yaml").write_text(_dump(data), encoding="utf-8")
    try:
        load_config(root)
    except Exception as error:
        assert_ours(error, where=root / "book.yaml")
    finally:
        shutil.copy(MINI / "book.yaml", root / "book.yaml")
