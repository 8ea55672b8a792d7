"""Bounded parsing everywhere: BibTeX @string expansion has a size limit; any YAML file under the size limit
is read, or refused, in well under 2 s of CPU time, a value count measured before the full parse, and the
message names the real cause. Hypothesis properties (bounded) for the BibTeX and YAML readers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plainpress.errors import PlainpressError, SourceError
from plainpress.sources.bibliography import load_references
from plainpress.sources.bibtex import MAX_VALUE, load_bibtex
from plainpress.sources.yamlsrc import MAX_DEPTH, MAX_VALUES, load_yaml
from plainpress.stages.gather import gather

from .robust_helpers import copy_mini

SECONDS = 2.0  # CPU seconds: what the issue allows a YAML file under the size limit


def _cpu(work):
    start = time.process_time()
    try:
        return work(), time.process_time() - start
    except PlainpressError as error:
        return error, time.process_time() - start


def doubling(lines: int) -> str:
    """@strings that double each other: the last one is 2**lines characters long."""
    out = ['@string{s0 = "ab"}']
    out += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, lines)]
    return "\n".join([*out, f"@article{{k, title = s{lines - 1}, year = 2020}}", ""])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("lines", [40, 64, 200])
def test_doubling_strings_end_fast_with_a_clear_error(tmp_path: Path, lines: int) -> None:
    book = copy_mini(tmp_path / "book")
    (book / "references.bib").write_text(doubling(lines))
    (_refs, findings), seconds = _cpu(lambda: load_references(book))
    assert seconds < 0.5, f"{seconds:.2f} s"
    (finding,) = [f for f in findings if f.code == "B001"]
    assert "@string" in finding.message and "expanded" in finding.message
    assert finding.location.path.name == "references.bib" and finding.location.line


def test_strings_that_join_each_other_within_the_limit_are_read() -> None:
    text = '@string{a = "Jane"}\n@string{b = a # " " # a}\n@book{k, author = b # " Doe", title = "T", year = 2020}\n'
    refs, findings = load_bibtex(text, Path("r.bib"))
    assert findings == [] and refs[0].csl["author"][0]["family"] == "Doe"


_names = st.sampled_from(["a", "b", "c", "d", "e"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(_names, st.lists(st.one_of(_names, st.just('"xy"')), min_size=1, max_size=6)),
        min_size=1,
        max_size=40,
    )
)
def test_any_graph_of_strings_is_read_in_bounded_time_and_size(definitions) -> None:
    lines = [f"@string{{{name} = {' # '.join(parts)}}}" for name, parts in definitions]
    text = "\n".join([*lines, "@misc{k, title = a # b # c, year = 2020}", ""])
    (result, seconds) = _cpu(lambda: load_bibtex(text, Path("r.bib")))
    refs, findings = result
    assert seconds < 1.0
    for ref in refs:
        assert len(str(ref.csl)) < 2 * max(MAX_VALUE, len(text)) + 1000
    assert all(f.code.startswith("B") for f in findings)


# YAML: (name, text) of front matter and YAML files under the 2 MB article limit
def _block_list(count: int) -> str:
    return "title: T\nkeywords:\n" + "".join("  - ab\n" for _ in range(count))


YAML_CASES = {
    "1.9 MB flow list": "title: T\nkeywords: [" + ", ".join(["ab"] * 470_000) + "]\n",
    "1.9 MB block list": _block_list(270_000),
    "1.9 MB of keys": "title: T\nx:\n" + "".join(f"  k{i}: v\n" for i in range(150_000)),
    "1.9 MB one value": "title: T\nsummary: " + "word " * 380_000 + "\n",
    "nested lists": "a: " + "[" * 5_000 + "]" * 5_000 + "\n",
    "nested mappings": "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v\n",
    "billion laughs": "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)),
    "just under the value limit": _block_list(MAX_VALUES - 10),
}
YAML_CAUSE = {
    "1.9 MB flow list": "more than 50,000 values (keys, items",
    "1.9 MB block list": "more than 50,000 values (keys, items",
    "1.9 MB of keys": "more than 50,000 values (keys, items",
    "1.9 MB one value": None,
    "nested lists": f"nested more than {MAX_DEPTH} levels",
    "nested mappings": f"nested more than {MAX_DEPTH} levels",
    "billion laughs": "once its aliases (*name) are expanded",
    "just under the value limit": None,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", YAML_CASES, ids=list(YAML_CASES))
def test_yaml_under_the_size_limit_is_read_or_refused_fast_naming_the_cause(case: str) -> None:
    text = YAML_CASES[case]
    assert len(text.encode()) < 2_000_000
    result, seconds = _cpu(lambda: load_yaml(text, Path("a.md"), first_line=2))
    assert seconds < SECONDS, f"{seconds:.2f} s"
    cause = YAML_CAUSE[case]
    if cause is None:
        assert not isinstance(result, SourceError), result
    else:
        assert isinstance(result, SourceError) and cause in str(result), result
        assert "aliases" not in str(result) or case == "billion laughs"  # never blames what is not there


@pytest.mark.timeout(120)
def test_a_huge_front_matter_in_an_article_is_refused_fast(tmp_path: Path) -> None:
    book = copy_mini(tmp_path / "book")
    article = book / "articles" / "first-steps.md"
    front = "title: T\nsummary: S\ndate: 2026-01-02\nkeywords:\n" + "".join(f"  - word{i}\n" for i in range(130_000))
    article.write_text(f"---\n{front}---\n\nText.\n")
    assert 1_500_000 < article.stat().st_size < 2_000_000
    error, seconds = _cpu(lambda: gather(book))
    assert seconds < SECONDS + 1, f"{seconds:.2f} s"  # the YAML, and reading the rest of the book
    assert "first-steps.md" in str(error) and "values" in str(error) and "aliases" not in str(error)


_leaf = st.one_of(st.text(alphabet="abc xyz", max_size=6), st.integers(), st.booleans())
_values = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(alphabet="abcd", min_size=1), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=40, deadline=None)
@given(_values, st.lists(st.integers(min_value=1, max_value=12), max_size=8))
def test_any_yaml_of_aliases_of_aliases_is_read_or_refused_quickly(value, fanouts) -> None:
    """An anchored value, then lists each holding ``n`` aliases of the one before: up to 12**8 values."""
    import json

    lines = [f"v0: &v0 {json.dumps(value)}"]
    for number, fanout in enumerate(fanouts, 1):
        lines.append(f"v{number}: &v{number} [{', '.join([f'*v{number - 1}'] * fanout)}]")
    text = "\n".join(lines) + "\n"
    result, seconds = _cpu(lambda: load_yaml(text, Path("a.yaml")))
    assert seconds < SECONDS, f"{seconds:.2f} s"
    if isinstance(result, SourceError):
        assert "values" in str(result) or "nested" in str(result), result
    else:
        assert isinstance(result, dict) and len(result) == len(fanouts) + 1


_profile_value = st.one_of(
    st.text(alphabet="abc 019+()'\"[]{}:#-&*!|>", max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.text(alphabet="abc", max_size=4), max_size=3),
)
_profile_keys = st.sampled_from(
    ["name", "phone", "hours", "emergency_number", "paper", "sizes", "logo", "logo_alt", "extra", "website"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_profile_keys, _profile_value, max_size=8), st.booleans())
def test_random_clinic_profiles_load_or_report(tmp_path_factory, fields, as_text) -> None:
    """The profile reader: any mapping (or any text) in profiles/*.yaml loads or is reported, never raised."""
    import yaml

    from plainpress.sources.profiles import load_profiles
    from plainpress.stages.gather import load_config

    book = copy_mini(tmp_path_factory.mktemp("profiles") / "book")
    (book / "profiles").mkdir()
    text = yaml.safe_dump(fields) if not as_text else "".join(str(v) for v in fields.values()) + "\n"
    (book / "profiles" / "clinic.yaml").write_text(text)
    result, seconds = _cpu(lambda: load_profiles(book, load_config(book)))
    assert seconds < SECONDS
    if not isinstance(result, PlainpressError):
        profiles, findings = result
        assert profiles or findings
        assert all(f.location.path.name == "clinic.yaml" for f in findings)
