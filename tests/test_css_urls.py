"""What a stylesheet loads (plainpress.resources.css_urls): a stylesheet that cannot load anything (no
url, src or import, not even spelled with an escape) is passed over without parsing, and every other
one is parsed; what is found is the same either way."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpress import resources

_CSS = [*"ab ;:{}()'\"/*\\", "@import ", "url(", "URL(", "src(", "u\\72l(", "x.svg", "body", "color: red", "\n"]


def _full(text: str, declarations: bool) -> list[tuple[str, int]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resources, "_MAY_LOAD", type("Always", (), {"search": staticmethod(lambda text: True)}))
        return list(resources.css_urls(text, declarations))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CSS), max_size=14).map("".join), st.booleans())
def test_a_stylesheet_that_cannot_load_is_passed_over_with_the_same_result(text, declarations):
    assert list(resources.css_urls(text, declarations)) == _full(text, declarations)


def test_escaped_and_upper_case_loads_are_found():
    css = "a { background: u\\72l(x.svg) }\n@IMPORT 'y.css';\nb { background: URL(z.svg) }"
    assert sorted(url for url, _ in resources.css_urls(css)) == ["x.svg", "y.css", "z.svg"]
    assert list(resources.css_urls("body { color: red }")) == []
