"""Clinic profiles (book/profiles/<name>.yaml), or the neutral one made from book.yaml."""

from __future__ import annotations

from pathlib import Path

from ..errors import Finding, Location, Severity, SourceError
from ..messages import Messages
from ..model import SLUG, BookConfig, Profile
from ..resources import decode_problem, svg_problems
from ..safety import kind_of, read_regular
from .schema import Reader
from .yamlsrc import load_yaml, read_text

PROFILES_DIR = "profiles"
LOGO_TYPES = {".svg", ".png"}


def neutral_profile(config: BookConfig) -> Profile:
    contacts = config.contacts
    line_name = contacts.advice_line_name or Messages(config.language)("contacts.advice_line_name")
    name = line_name[:1].upper() + line_name[1:]
    profile = Profile(
        name=name, phone=contacts.advice_line, hours="", emergency_number=contacts.emergency_number, paper="a4"
    )
    profile.slug, profile.papers = "neutral", ("a4", "letter")
    return profile


def load_profiles(root: Path, config: BookConfig) -> tuple[list[Profile], list[Finding]]:
    folder = root / PROFILES_DIR
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        return [neutral_profile(config)], []
    profiles: list[Profile] = []
    findings: list[Finding] = []
    for path in files:
        if not SLUG.match(path.stem):
            findings.append(
                Finding(
                    "E006",
                    Severity.ERROR,
                    Location(path, 1),
                    f"a profile's file name must be a slug (a-z, 0-9, hyphens), found {path.stem!r}",
                )
            )
            continue
        try:
            data = load_yaml(read_text(path), path)
        except SourceError as error:
            findings.append(error.finding())
            continue
        reader = Reader(path)
        profile = reader.build(Profile, data)
        findings += reader.problems
        if profile is None:
            continue
        profile.slug, profile.papers = path.stem, (profile.paper,)
        findings += _check_logo(profile, folder, path)
        profiles.append(profile)
    return profiles, findings


def _check_logo(profile: Profile, folder: Path, path: Path) -> list[Finding]:
    if not profile.logo:
        return []
    where = Location(path, profile.source_line)
    logo = (folder / profile.logo).resolve()
    if not logo.is_relative_to(folder.resolve()):
        message = f"logo: {profile.logo!r} leads outside {PROFILES_DIR}/ ({logo}); copy the logo into it"
        return [Finding("I001", Severity.ERROR, where, message)]
    kind = kind_of(logo)
    if kind is not None:
        found = f"no file {profile.logo!r}" if kind == "missing" else f"{profile.logo!r} is {kind}, not a file"
        return [Finding("E004", Severity.ERROR, where, f"logo: {found} in {PROFILES_DIR}/")]
    if logo.suffix.lower() not in LOGO_TYPES:
        return [Finding("E004", Severity.ERROR, where, f"logo: expected an SVG or PNG file, found {profile.logo!r}")]
    if not profile.logo_alt:
        return [Finding("E004", Severity.ERROR, where, "logo_alt: a logo needs its text alternative")]
    if logo.suffix.lower() == ".png":  # decoded in full, as every image is
        broken = decode_problem(logo.read_bytes(), "image/png")
        if broken:
            return [Finding(broken.code, Severity.ERROR, where, f"logo {profile.logo!r}: {broken.message}")]
    if logo.suffix.lower() == ".svg":  # it must stand alone: no scripts, nothing loaded from elsewhere
        refused = svg_problems(read_regular(logo), logo.parent, [folder.parent])
        if refused:
            return [Finding(r.code, Severity.ERROR, where, f"logo {profile.logo!r}: {r.message}") for r in refused]
    profile.logo = str(logo)
    return []
