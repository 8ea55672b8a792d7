"""Words that layouts and extensions print, per language.

Every string a reader sees that is not from the sources comes from here, so a
book in another language gets its own words.
"""

from __future__ import annotations

from dataclasses import dataclass

EN: dict[str, str] = {
    "tier.emergency.label": "Emergency",
    "tier.emergency.heading": "Get help now",
    "tier.emergency.action": "Call {emergency_number} now, or go to the nearest emergency department.",
    "tier.urgent.label": "Urgent",
    "tier.urgent.heading": "Call your doctor today",
    "tier.urgent.action": (
        "Contact your prescriber or clinician today. You can call {advice_line_name} on {advice_line}."
    ),
    "tier.routine.label": "Routine",
    "tier.routine.heading": "Mention it at your next visit",
    "tier.routine.action": "Tell your clinician at your next appointment.",
    "tier.intro": "If you notice any of these signs:",
    "glossary": "Glossary",
    "glossary.pronounce": "Say it",
    "glossary.see_also": "See also",
    "glossary.used_in": "Used in",
    "bibliography": "Sources",
    "bibliography.cited": "Cited in:",
    "card": "Red flags: when to get help",
    "card.intro": "Keep this card. It lists the warning signs in this book and what to do about each.",
    "contents": "Contents",
    "citation.unresolved": "source not found",
    "backlink": "Back to use {index} of source {number}, in {chapter}",
    "page": "page",
    "page.of": "Page {page} of {pages}",
    "handout.sample": "Sample content: made to show how plainpress works. Not for use in patient care.",
    "handout.questions": "Questions?",
    "handout.call": "Call {name} on {phone}.",
    "handout.hours": "Open {hours}.",
    "handout.out_of_hours": "When the clinic is closed, call {phone}.",
    "handout.emergency": "In an emergency, call {number}.",
    "handout.words": "Words to know",
    "handout.online": "Read this online",
    "handout.qr_alt": "QR code that opens {url}",
    "handout.about": "About this handout",
    "handout.stamp": "Reviewed {reviewed} · Next review {next_review} · {edition}",
    "handout.draft": "Draft — not yet reviewed · {edition}",
    "handout.see": " (see the handout “{title}”)",
    "index.title": "Handouts from {clinic}",
    "index.intro": "Every handout of {book}, with its review dates and file names, for finding and re-printing.",
    "index.handout": "Handout",
    "index.reviewed": "Last reviewed",
    "index.next_review": "Next review",
    "index.files": "Files",
    "index.standard": "standard print",
    "index.large": "large print",
    "card.keep": "Keep this card with you.",
    "card.sample": "Sample content. Not for use in patient care.",
    "card.emergency": "Call {emergency_number} now.",
    "card.urgent": "Call {advice_line_name} today: {advice_line}.",
    "card.routine": "Tell your clinician at your next visit.",
}


MESSAGES: dict[str, dict[str, str]] = {"en": EN}


@dataclass(frozen=True)
class Messages:
    language: str

    def __call__(self, key: str, **values: object) -> str:
        table = MESSAGES.get(self.language.split("-")[0].lower(), EN)
        return table.get(key, EN[key]).format(**values)
