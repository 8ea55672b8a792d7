"""Trust marks (T001-T005): every article tells its reader who wrote it, which clinician reviewed
it, who funds it, what evidence it rests on and where to send feedback, from its front matter or
from book.yaml. A missing one is a warning (so an error under ``--strict``); the publisher is a
required key of book.yaml (E004 when it is missing)."""

from __future__ import annotations

from ..errors import Finding, Severity
from ..model import Book

# field -> (code, what is missing, which standard asks for it)
TRUST_CODES = {
    "authors": ("T001", "no author", "the PIF TICK asks for the named people who made it"),
    "clinical_reviewer": (
        "T002",
        "no clinical reviewer (name and role)",
        "the NHS Standard for Creating Health Content asks for clinical approval, the PIF TICK for expert review",
    ),
    "funding": (
        "T003",
        "no statement of funding and conflicts of interest",
        "the NHS Standard asks you to be open about sponsorship and conflicts of interest; 'none' is a statement",
    ),
    "evidence": (
        "T004",
        "no evidence statement (how the sources were chosen)",
        "the NHS Standard and the PIF TICK ask for content based on recognised, up-to-date evidence",
    ),
    "feedback": (
        "T005",
        "no feedback contact (an e-mail address, phone number or web address)",
        "the NHS Standard and the PIF TICK ask for a clear way for readers to give feedback",
    ),
}


def trust_findings(book: Book) -> list[Finding]:
    findings = []
    for article in book.articles:
        for name in book.trust_marks(article).missing():
            if name not in TRUST_CODES:
                continue  # the publisher: a required key of book.yaml
            code, missing, standard = TRUST_CODES[name]
            findings.append(
                Finding(
                    code,
                    Severity.WARNING,
                    article.location,
                    f"the article has {missing}: it is printed on its handouts, chapter and the colophon",
                    f"{name}:",
                    f"add {name}: to its front matter or to book.yaml ({standard})",
                )
            )
    return findings
