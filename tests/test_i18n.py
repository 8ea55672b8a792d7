"""Languages: message files complete in every language, no English hard-coded in layouts,
dates in the book's language, and a Spanish fixture book that builds, validates, sorts its
glossary the Spanish way and prints no English layout string."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from lxml import etree

from plainpress.commands.build import build
from plainpress.markup import OutputPolicy, convert
from plainpress.mdext.redflags import FlagPolicy
from plainpress.messages import (
    MESSAGES_DIR,
    Messages,
    available_languages,
    base_language,
    csl_locale,
    load_messages,
)
from plainpress.model import TIERS, Article, ArticleMeta, GlossaryEntry
from plainpress.sources.glossary import GlossaryIndex

from .ace import run_ace
from .conftest import Built
from .helpers import FIXTURES, ROOT, assert_pdfua, by_severity, epubcheck_messages

XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SPANISH_GLOSSARY = ["fibra", "índice UV", "nube", "ñame", "ojo"]


@pytest.fixture(scope="session")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("es") / "dist"
    build(FIXTURES / "es", out)
    return Built(FIXTURES / "es", out)


# --- message files ------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def test_english_and_spanish_are_both_there():
    assert {"en", "es"} <= set(available_languages())


@pytest.mark.parametrize("language", [lang for lang in available_languages() if lang != "en"])
def test_every_language_has_every_key_and_no_other(language):
    english, other = load_messages("en"), load_messages(language)
    assert sorted(set(english) - set(other)) == [], f"keys missing from {language}.yaml"
    assert sorted(set(other) - set(english)) == [], f"keys in {language}.yaml that en.yaml does not have"
    for key, text in english.items():
        assert _placeholders(other[key]) == _placeholders(text), f"{language}.yaml {key}: other {{values}} than en"
        assert other[key].strip(), f"{language}.yaml {key} is empty"


def test_a_missing_key_would_be_seen(tmp_path):
    """The key comparison is not vacuous: a file without one key differs from English."""
    (tmp_path / "en.yaml").write_text('a: "A"\nb: "B"\n')
    (tmp_path / "xx.yaml").write_text('a: "Á"\n')
    english, other = load_messages("en", tmp_path), load_messages("xx", tmp_path)
    assert set(english) - set(other) == {"b"}


def _used_keys() -> set[str]:
    """Every literal key that a template or the code asks for: say("key") and say('key')."""
    found: set[str] = set()
    sources = [*(ROOT / "layouts").rglob("*.j2"), *(ROOT / "plainpress").rglob("*.py")]
    for path in sources:
        found.update(re.findall(r"""\bsay\(\s*["']([\w.]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    # Keys made from a tier's name: say(f"tier.{tier}.label"), say("card." ~ t.tier)
    found.update(f"tier.{tier}.{part}" for tier in TIERS for part in ("label", "heading", "action"))
    found.update(f"card.{tier}" for tier in TIERS)
    return found


def test_every_key_the_layouts_ask_for_exists():
    used = _used_keys()
    assert {"contents", "colophon", "article.reviewed_next", "landmark.cover"} <= used
    assert sorted(used - set(load_messages("en"))) == []


# The layouts of what readers get (the EPUB, the PDFs), printed in the book's language.
READER_LAYOUTS = ("base", "epub", "pdf", "handout", "card")


def test_layouts_hard_code_no_words():
    """What a template prints comes from `say` or from the sources: no words between the tags."""
    offenders = {}
    for path in sorted(p for folder in READER_LAYOUTS for p in (ROOT / "layouts" / folder).rglob("*.j2")):
        if path.name.endswith(".css.j2"):
            continue
        source = path.read_text(encoding="utf-8")
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S)
        words = re.findall(r"[^\W\d_]{2,}", re.sub(r"<[^>]*>", " ", text))
        attributes = re.findall(r'\s(?:alt|title|aria-label)="([^"{]*[^\W\d_][^"{]*)"', source)
        if words or attributes:
            offenders[str(path.relative_to(ROOT))] = words + attributes
    assert offenders == {}


def test_language_tags_pick_the_base_language_file():
    assert base_language("es-MX") == base_language("ES_419") == "es"
    assert Messages("es-MX")("contents") == Messages("es")("contents") == "Contenido"
    assert Messages("en-GB")("contents") == "Contents"
    assert Messages("fr")("contents") == "Contents"  # a language with no file reads English
    assert Messages("es")("page.of", page=2, pages=5) == "Página 2 de 5"


def test_dates_in_the_books_language():
    day = dt.date(2026, 3, 2)
    assert Messages("en").long_date(day) == "2 March 2026"
    assert Messages("en").short_date(day) == "2 Mar 2026"
    assert Messages("es").long_date(day) == "2 de marzo de 2026"
    assert Messages("es").short_date(day) == "2 mar 2026"
    assert Messages("es-MX").long_date(dt.date(2026, 1, 31)) == "31 de enero de 2026"
    assert Messages("fr").long_date(day) == "2 March 2026"  # English words, English months
    assert Messages("es").long_date(None) == ""


def test_bibliography_locale_follows_the_language():
    assert csl_locale("en") == "en-US"
    assert csl_locale("en-GB") == "en-GB"
    assert csl_locale("es") == "es-ES"
    assert csl_locale("es-mx") == "es-MX"
    assert csl_locale("zz") == "en-US"


# --- acronyms in Spanish text ---------------------------------------------------


def _acronyms(body: str, terms: list[GlossaryEntry]) -> list[str]:
    meta = ArticleMeta(title="Demo", summary="S", date=None)  # type: ignore[arg-type]
    article = Article(slug="demo", path=Path("demo.md"), meta=meta, body=body, body_line=1)
    policy = OutputPolicy(flags=FlagPolicy(contacts={}), glossary=GlossaryIndex.build(terms))
    return [a.text for a in convert(article, policy).acronyms]


def test_acronyms_with_accented_capitals_are_found():
    body = "El VIH y la EPOC no son lo mismo. Tome AINEs solo si se lo dicen. Vea la GUÍA y el ÍNDICE.\n"
    assert _acronyms(body, []) == ["VIH", "EPOC", "AINE", "GUÍA", "ÍNDICE"]


def test_acronyms_the_glossary_defines_are_not_reported():
    terms = [GlossaryEntry(term="VIH", definition="d"), GlossaryEntry(term="índice UV", definition="d", forms=["UV"])]
    body = "El VIH se trata. Mire el UV del día. Pregunte por la ÑAPA.\n"
    assert _acronyms(body, terms) == ["ÑAPA"]


def test_lower_case_and_mixed_words_are_not_acronyms():
    assert _acronyms("Ñame, Ángel, Óscar, ñu y él. En España.\n", []) == []


# --- the Spanish fixture book ------------------------------------------------------


def _epub_docs(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        return {n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def _opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".opf"))))


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _pdfs(built: Built) -> list[dict]:
    return [o for o in built.manifest["outputs"] if o["path"].endswith(".pdf")]


def test_spanish_book_builds_every_output(spanish):
    kinds = {o["kind"] for o in spanish.manifest["outputs"]}
    assert {"epub", "pdf", "handout", "handout-index", "card"} <= kinds


def test_spanish_epub_passes_epubcheck(spanish):
    messages = epubcheck_messages(spanish.output("epub"))
    assert by_severity(messages, "FATAL", "ERROR", "WARNING") == []


@pytest.mark.timeout(420)
def test_spanish_epub_passes_ace(spanish):
    report = run_ace(spanish.output("epub"))
    assert report.violations == [], "\n".join(map(str, report.violations))
    assert report.outcome == "pass"


def test_every_spanish_pdf_passes_the_pdfua_checker(spanish):
    pdfs = _pdfs(spanish)
    assert len(pdfs) >= 6
    assert_pdfua([spanish.dist / o["path"] for o in pdfs])


def test_lang_is_spanish_everywhere(spanish):
    epub = spanish.output("epub")
    for name, doc in _epub_docs(epub).items():
        assert (doc.get("lang"), doc.get(XML_LANG)) == ("es", "es"), name
    language = _opf(epub).find(".//{http://purl.org/dc/elements/1.1/}language")
    assert language is not None and language.text == "es"
    for output in _pdfs(spanish):
        with pikepdf.open(spanish.dist / output["path"]) as pdf:
            assert str(pdf.Root.Lang) == "es", output["path"]


def test_spanish_glossary_puts_nube_before_name(spanish):
    docs = _epub_docs(spanish.output("epub"))
    terms = ["".join(d.itertext()) for d in docs["glossary.xhtml"].iter(f"{XHTML}dfn")]
    assert terms == SPANISH_GLOSSARY  # ICU Spanish order: í with i, ñ after n
    text = _pdf_text(spanish.output("pdf"))
    glossary = text[text.index("\nGlosario\n") :]
    positions = [glossary.index(f"\n{term}\n") for term in SPANISH_GLOSSARY]
    assert positions == sorted(positions)
    assert glossary.index("\nnube\n") < glossary.index("\nñame\n")


def test_spanish_epub_words_and_dates(spanish):
    epub = spanish.output("epub")
    docs = _epub_docs(epub)
    nav = docs["nav.xhtml"]
    assert nav.find(f".//{XHTML}h1").text == "Contenido"
    landmarks = [a.text for a in nav.iterfind(f".//{XHTML}nav[@id='landmarks']//{XHTML}a")]
    assert landmarks[:3] == ["Cubierta", "Portada", "Contenido"]
    assert landmarks[-1] == "Sobre este libro"
    chapter = " ".join("".join(docs["ch01-protegerse-del-sol.xhtml"].itertext()).split())
    assert "Última revisión: 2 de marzo de 2026. Próxima revisión: 2 de marzo de 2029." in chapter
    assert "EMERGENCIA" in chapter.upper() and "Llame ahora al 112" in chapter
    colophon = " ".join(" ".join(docs["colophon.xhtml"].itertext()).split())
    assert "Fecha de publicación 2 de marzo de 2026" in colophon
    cover = docs["cover.xhtml"].find(f".//{XHTML}img").get("alt")
    assert cover.startswith("Cubierta: Cuidarse en casa") and "Contenido de muestra" in cover
    summary = _opf(epub).find(".//{http://www.idpf.org/2007/opf}meta[@property='schema:accessibilitySummary']")
    assert summary is not None and summary.text.startswith("Este libro es texto")


def test_spanish_handouts_words_and_dates(spanish):
    handouts = {o["article"]: spanish.dist / o["path"] for o in spanish.manifest["outputs"] if o["kind"] == "handout"}
    reviewed = " ".join(_pdf_text(handouts["protegerse-del-sol"]).split())
    assert "Revisada el 2 mar 2026 · Próxima revisión: 2 mar 2029" in reviewed
    assert "Página 1 de" in reviewed and "Palabras que debe conocer" in reviewed and "Fuentes" in reviewed
    assert "(vea la hoja informativa «Comer con fibra»)" in reviewed
    draft = " ".join(_pdf_text(handouts["comer-con-fibra"]).split())
    assert "Borrador: aún sin revisar" in draft
    index = next(o for o in spanish.manifest["outputs"] if o["kind"] == "handout-index")
    assert "2 mar 2026" in _pdf_text(spanish.dist / index["path"])


# --- no English layout string in the Spanish outputs --------------------------------

# Keys whose English text is never printed as such: date patterns, and the starter text of `new`.
NOT_PRINTED = ("date.", "new.")


def english_fragments() -> list[str]:
    """The literal pieces of every English message that Spanish says differently, long enough
    to mean something alone (at least four letters): "Page", "of" -> "Page"; "Words to know"."""
    english, spanish = load_messages("en"), load_messages("es")
    pieces: set[str] = set()
    for key, text in english.items():
        if key.startswith(NOT_PRINTED) or text == spanish[key]:
            continue
        for piece in re.split(r"\{\w*\}", text):
            piece = piece.strip(" .,:;·—()“”\"'?")
            if len(re.findall(r"[A-Za-z]", piece)) >= 4:
                pieces.add(piece)
    return sorted(pieces)


def english_in(text: str) -> list[str]:
    """Every English fragment found in ``text``, as whole words, whatever the case and line breaks."""
    found = []
    for piece in english_fragments():
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, piece.split())) + r"(?!\w)"
        if re.search(pattern, text, flags=re.IGNORECASE):
            found.append(piece)
    return found


def test_the_english_scan_finds_english(mini):
    """The scan is not vacuous: it finds the layout strings of an English handout, with line breaks."""
    assert len(english_fragments()) > 60
    assert english_in("Next\nreview due soon; WORDS TO KNOW") == ["Next review", "Next review due", "Words to know"]
    assert english_in("Urgente. Página 1 de 2. Fuentes. Glosario.") == []
    handout = next(o for o in mini.manifest["outputs"] if o["kind"] == "handout")
    found = english_in(_pdf_text(mini.dist / handout["path"]))
    assert {"Page", "Words to know", "Questions", "About this handout"} <= set(found)


def test_spanish_handouts_cards_and_indexes_have_no_english_layout_string(spanish):
    outputs = [o for o in _pdfs(spanish) if o["kind"] != "pdf"]
    assert {o["kind"] for o in outputs} == {"handout", "handout-index", "card"}
    found = {o["path"]: english_in(_pdf_text(spanish.dist / o["path"])) for o in outputs}
    assert {path: pieces for path, pieces in found.items() if pieces} == {}


def test_spanish_book_pdf_and_epub_have_no_english_layout_string(spanish):
    credit = load_messages("es")["colophon.typeface_credit"]  # names the font's licence, in English
    texts = {"book PDF": _pdf_text(spanish.output("pdf"))}
    for name, doc in _epub_docs(spanish.output("epub")).items():
        attributes = " ".join(v for el in doc.iter() for k, v in el.attrib.items() if k in ("alt", "aria-label"))
        texts[name] = "".join(doc.itertext()) + " " + attributes
    opf = _opf(spanish.output("epub"))
    texts["content.opf"] = " ".join(m.text or "" for m in opf.iter("{http://www.idpf.org/2007/opf}meta"))
    found = {
        name: english_in(" ".join(text.split()).replace(" ".join(credit.split()), "")) for name, text in texts.items()
    }
    assert {name: pieces for name, pieces in found.items() if pieces} == {}


def test_spanish_fixture_sources_are_spanish():
    """The fixture's own text is Spanish too, so the scans above only see layout strings."""
    book = (FIXTURES / "es" / "book.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: es\n" in book
    references = json.loads((FIXTURES / "es" / "references.json").read_text(encoding="utf-8"))
    assert len(references) == 1 and "inventada" in references[0]["title"]
    assert MESSAGES_DIR.is_dir()
