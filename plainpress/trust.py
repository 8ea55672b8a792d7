"""Trust marks: who wrote and reviewed a piece of health content, who publishes and funds it, what
evidence it rests on and where readers send feedback. The NHS Standard for Creating Health Content
and the Patient Information Forum's PIF TICK ask a publisher to show them (see the README); each is
a key of book.yaml and of an article's front matter, printed on handouts, chapters and the colophon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .sources.schema import doc


def check_feedback(value: str) -> str | None:
    if FEEDBACK_CONTACT.search(value):
        return None
    return f"expected an e-mail address, a phone number or a web address to send feedback to, found {value!r}"


FEEDBACK_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+|\bhttps?://\S+|\bwww\.\S+|\b[\w-]+(\.[\w-]+)*\.[a-z]{2,}/\S*|(\+?\d[\d ()-]{5,}\d)",
    re.I,
)


@dataclass
class ClinicalReviewer:
    name: str = field(metadata=doc("The clinician who reviewed the content"))
    role: str = field(metadata=doc("Their role or qualification, e.g. 'GP' or 'Consultant neurologist'"))


# Trust marks: what the NHS Standard for Creating Health Content and the PIF TICK ask a publisher to
# show. Each is a key of book.yaml (for the whole book) and of an article's front matter (for it alone).
TRUST_FIELDS = ("authors", "clinical_reviewer", "publisher", "funding", "evidence", "feedback")
TRUST_DOCS = {
    "authors": "Authors' names",
    "clinical_reviewer": "The clinician who reviewed it: name and role",
    "publisher": "The organisation that publishes it",
    "funding": "Funding and conflicts of interest: a statement ('none' is allowed)",
    "evidence": "How the sources were chosen (the evidence statement)",
    "feedback": "Where readers send feedback: an e-mail address, phone number or web address",
}


@dataclass(frozen=True)
class TrustMarks:
    """What a reader is told of who made an article and how: each empty when neither the article nor
    book.yaml gives it (a finding, T001-T006)."""

    authors: tuple[str, ...]
    clinical_reviewer: ClinicalReviewer | None
    publisher: str
    funding: str
    evidence: str
    feedback: str

    def missing(self) -> list[str]:
        return [name for name in TRUST_FIELDS if not getattr(self, name)]
