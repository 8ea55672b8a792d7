"""The rules of veraPDF's PDF/UA-1 validation profile, by veraPDF rule id, and what a check reports.

A rule id is ``<ISO 14289-1 clause>-t<test number>`` (``7.2-t20``), as in veraPDF's per-rule files
under ``PDF_UA/1/`` of veraPDF-validation-profiles. The summaries are ours.
"""

from __future__ import annotations

from dataclasses import dataclass

_SUMMARIES = {
    "5-t01": "XMP metadata identifies the file as PDF/UA (pdfuaid schema)",
    "5-t02": "pdfuaid:part is 1",
    "5-t03": "the part property uses the pdfuaid prefix",
    "5-t04": "the amd property uses the pdfuaid prefix",
    "5-t05": "the corr property uses the pdfuaid prefix",
    "6.1-t01": "the file header is %PDF-1.n with n from 0 to 7",
    "6.2-t01": "the catalog's MarkInfo has Marked true",
    "7.1-t01": "no artifact inside tagged content",
    "7.1-t02": "no tagged content inside an artifact",
    "7.1-t03": "all content is tagged or marked as an artifact",
    "7.1-t04": "MarkInfo Suspects is not true",
    "7.1-t05": "non-standard structure types are role-mapped to standard ones",
    "7.1-t06": "no circular role mapping",
    "7.1-t07": "standard structure types are not remapped",
    "7.1-t08": "the catalog has a Metadata stream",
    "7.1-t09": "the XMP metadata has dc:title",
    "7.1-t10": "ViewerPreferences DisplayDocTitle is true",
    "7.1-t11": "the catalog has a structure tree (StructTreeRoot)",
    "7.1-t12": "every structure element has a parent (P)",
    "7.2-t02": "outline entries have a natural language (catalog Lang)",
    "7.2-t03": "Table holds only TR, THead, TBody, TFoot and Caption",
    "7.2-t04": "TR sits in Table, THead, TBody or TFoot",
    "7.2-t05": "THead sits in Table",
    "7.2-t06": "TBody sits in Table",
    "7.2-t07": "TFoot sits in Table",
    "7.2-t08": "TH sits in TR",
    "7.2-t09": "TD sits in TR",
    "7.2-t10": "TR holds only TH and TD",
    "7.2-t11": "Table has at most one THead",
    "7.2-t12": "Table has at most one TFoot",
    "7.2-t13": "a Table with TFoot has TBody",
    "7.2-t14": "a Table with THead has TBody",
    "7.2-t15": "table cells do not overlap",
    "7.2-t16": "a Table's Caption is its first or last child",
    "7.2-t17": "LI sits in L",
    "7.2-t18": "LBody sits in LI",
    "7.2-t19": "L holds only L, LI and Caption",
    "7.2-t20": "LI holds only Lbl and LBody",
    "7.2-t21": "ActualText of an element has a natural language",
    "7.2-t22": "Alt of an element has a natural language",
    "7.2-t23": "E of an element has a natural language",
    "7.2-t24": "annotation Contents has a natural language",
    "7.2-t25": "form field TU has a natural language",
    "7.2-t26": "TOCI sits in TOC",
    "7.2-t27": "TOC holds only TOC, TOCI and Caption",
    "7.2-t28": "a TOC's Caption is its first child",
    "7.2-t29": "Lang values are language tags (RFC 3066 syntax)",
    "7.2-t30": "ActualText of Span marked content has a natural language",
    "7.2-t31": "Alt of Span marked content has a natural language",
    "7.2-t32": "E of Span marked content has a natural language",
    "7.2-t33": "x-default metadata text has a natural language",
    "7.2-t34": "page text has a natural language",
    "7.2-t36": "THead holds only TR",
    "7.2-t37": "TBody holds only TR",
    "7.2-t38": "TFoot holds only TR",
    "7.2-t39": "Table has at most one Caption",
    "7.2-t40": "an L's Caption is its first child",
    "7.2-t41": "table columns have the same number of rows (with row spans)",
    "7.2-t42": "table rows have the same number of columns (with column spans)",
    "7.2-t43": "table rows have the same number of columns (with column spans)",
    "7.3-t01": "Figure has Alt or ActualText",
    "7.4.2-t01": "headings start at H1 and skip no level",
    "7.4.4-t01": "an element holds at most one H",
    "7.4.4-t02": "H is not mixed with H1-H6",
    "7.4.4-t03": "H1-H6 are not mixed with H",
    "7.5-t01": "TD cells have headers (TH Scope, or Headers naming TH IDs)",
    "7.5-t02": "TD Headers name TH cells that exist",
    "7.7-t01": "Formula has Alt or ActualText",
    "7.9-t01": "Note has an ID",
    "7.9-t02": "Note IDs are unique",
    "7.10-t01": "optional content configurations have a Name",
    "7.10-t02": "optional content configurations have no AS",
    "7.11-t01": "embedded file specifications have non-empty F and UF",
    "7.15-t01": "no dynamic XFA forms",
    "7.16-t01": "encryption permits assistive technology (P bit 10)",
    "7.18.1-t01": "annotations (not Widget, Link, PrinterMark) sit in an Annot element",
    "7.18.1-t02": "annotations have Contents or an Alt on their element",
    "7.18.1-t03": "form fields have TU or an Alt on their element",
    "7.18.2-t01": "no visible TrapNet annotations",
    "7.18.3-t01": "pages with annotations have Tabs S",
    "7.18.4-t01": "Widget annotations sit in a Form element",
    "7.18.4-t02": "a Form element without Role holds only its widget annotation",
    "7.18.5-t01": "Link annotations sit in a Link element",
    "7.18.5-t02": "Link annotations have Contents",
    "7.18.6.2-t01": "media clip data has CT",
    "7.18.6.2-t02": "media clip data has Alt",
    "7.18.8-t01": "PrinterMark annotations are not in the structure tree",
    "7.20-t01": "no reference XObjects",
    "7.20-t02": "a Form XObject with StructParents is drawn once",
    "7.21.3.1-t01": "Type0 font CIDSystemInfo agrees with its CMap",
    "7.21.3.2-t01": "embedded CIDFontType2 fonts have CIDToGIDMap",
    "7.21.3.3-t01": "non-predefined CMaps are embedded",
    "7.21.3.3-t02": "embedded CMap WMode agrees with the CMap dictionary",
    "7.21.3.3-t03": "CMaps reference only predefined CMaps",
    "7.21.4.1-t01": "fonts used for rendering are embedded",
    "7.21.4.1-t02": "embedded fonts define every glyph used",
    "7.21.4.2-t01": "a subset Type 1 font's CharSet lists all its glyphs",
    "7.21.4.2-t02": "a subset CID font's CIDSet lists all its CIDs",
    "7.21.5-t01": "glyph widths in the font dictionary match the font program",
    "7.21.6-t01": "non-symbolic TrueType fonts have a non-symbolic cmap",
    "7.21.6-t02": "non-symbolic TrueType fonts use MacRoman or WinAnsi encoding",
    "7.21.6-t03": "symbolic TrueType fonts have no Encoding",
    "7.21.6-t04": "symbolic TrueType fonts have one cmap or a (3,0) cmap",
    "7.21.7-t01": "every character code used maps to Unicode",
    "7.21.7-t02": "ToUnicode values are not U+0000, U+FEFF or U+FFFE",
    "7.21.8-t01": "text does not use the .notdef glyph",
}


@dataclass(frozen=True)
class Rule:
    id: str  # veraPDF rule id, e.g. "7.2-t20"
    summary: str

    @property
    def clause(self) -> str:
        """The ISO 14289-1 clause, e.g. ``7.2``."""
        return self.id.rsplit("-t", 1)[0]


RULES: dict[str, Rule] = {rule_id: Rule(rule_id, summary) for rule_id, summary in _SUMMARIES.items()}


@dataclass(frozen=True)
class Failure:
    """One object that breaks one rule (``rule`` is a key of :data:`RULES`)."""

    rule: str
    page: int | None  # from 1, or None for the whole document
    message: str

    @property
    def condition(self) -> str:  # the name earlier callers used
        return self.rule

    @property
    def clause(self) -> str:
        return RULES[self.rule].clause

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page is not None else ""
        return f"{self.rule}{where}: {self.message}"


@dataclass(frozen=True)
class Notice:
    """Something worth a look that veraPDF passes (e.g. a well-formed but unregistered language tag)."""

    code: str
    page: int | None
    message: str

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page is not None else ""
        return f"{self.code}{where}: {self.message}"
