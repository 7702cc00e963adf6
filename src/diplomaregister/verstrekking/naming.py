"""Diplomas named as people know them, from what the engine disclosed (a record of outputs):
"Master of Science Computer Science, cum laude — Universiteit Utrecht, 30 August 2023".

One place for the portal, share pages and extracts: programme, degree (graad + graadtoevoeging, or
the delivered degree text), judicium, institution(s) and date, in Dutch or English, with the legal
category (art. 16) as a second line and every coded value in words (law/code_lists.yaml,
law/disclosure_labels.yaml), so no raw code reaches a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import dateformat, translation

from diplomaregister.law.loaders import code_lists, disclosure_labels, document_kinds

# NLQF/EQF level of a degree (NLQF: Ad 5, bachelor 6, master 7) and of an mbo level (1-4).
NLQF = {"associate_degree": 5, "bachelor": 6, "master": 7}


def lang(language: str | None) -> str:
    return "en" if (language or "nl").startswith("en") else "nl"


def words(code_list: str, code: str, language: str) -> str:
    """A coded value in words; the empty string for an unknown code (never the code itself)."""
    item = code_lists().get(code_list, {}).get(code or "")
    return item.text(lang(language)) if item else ""


def value_words(field: str, value: Any, language: str) -> str:
    """A coded output value (status, change, leerweg, exam type) in words."""
    label = disclosure_labels()["values"].get(f"{field}.{value}")
    return label.text(lang(language)) if label else ""


def credits(value: Any, language: str) -> str:
    """EC as printed: '7.5' / '7,5', '15' (no trailing zero)."""
    if value is None or value == "":
        return ""
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text if lang(language) == "en" else text.replace(".", ",")


def long_date(day: dt.date | None, language: str) -> str:
    if day is None:
        return ""
    with translation.override(lang(language)):
        return dateformat.format(day, "j F Y")


def programme(record: Mapping[str, Any], language: str) -> str:
    english = record.get("programme_name_en") if lang(language) == "en" else ""
    name = english or record.get("programme_name") or ""
    return "" if name == record.get("programme_code") else name  # a code is no name


def degree(record: Mapping[str, Any], language: str) -> str:
    """'Master of Science' from graad + graadtoevoeging, else the degree as delivered."""
    addition = words("graadtoevoeging", record.get("degree_addition", ""), language)
    graad = words("graad", record.get("degree", ""), language)
    if graad:
        return f"{graad} {addition}".strip()
    return (record.get("ho_degree") or "").strip()


def profile(record: Mapping[str, Any], language: str) -> str:
    """The VO profile in words ('Natuur en Gezondheid'; 'NT/NG' as both); a profile the code
    list does not know is shown as delivered."""
    value = str(record.get("vo_profile") or "").strip()
    parts = [p.strip() for p in value.replace("+", "/").split("/") if p.strip()]
    named = [words("vo_profiel", p.upper(), language) for p in parts]
    if not parts or not all(named):
        return value
    joiner = " and " if lang(language) == "en" else " en "
    return ", ".join(named[:-1]) + joiner + named[-1] if len(named) > 1 else named[0]


def kind_name(record: Mapping[str, Any], language: str) -> str:
    kind = document_kinds().get(record.get("kind", ""))
    return kind.name(lang(language)) if kind else ""


def title(record: Mapping[str, Any], language: str) -> str:
    """Programme and degree: 'Master of Science Computer Science', 'Propedeuse Verpleegkunde',
    'Mbo-diploma niveau 4 Verpleegkundige', else the legal category."""
    language = lang(language)
    titles = disclosure_labels()["titles"]
    name, grade = programme(record, language), degree(record, language)
    if grade:
        return f"{grade} {name}".strip()
    if record.get("ho_exam_type") == "propedeuse" and name:
        return titles["propedeuse"].text(language).format(programme=name)
    if record.get("mbo_level") and name:
        return (
            titles["mbo"].text(language).format(level=record["mbo_level"], programme=name).strip()
        )
    kind = kind_name(record, language)
    if name:
        return f"{kind}: {name}" if kind else name
    return titles["other"].text(language).format(kind=kind)


def institutions(record: Mapping[str, Any], language: str) -> str:
    """The awarding organisation, or every organisation of a joint degree with foreign countries."""
    partners = record.get("awarding_organisations") or []
    if not partners:
        return str(record.get("organisation_name") or "")
    names = []
    for partner in partners:
        country = partner.get("country") or ""
        place = words("land", country, language) if country and country != "NL" else ""
        names.append(f"{partner.get('name') or partner.get('organisation_code')}" + (f" ({place})" if place else ""))  # fmt: skip
    joiner = " and " if lang(language) == "en" else " en "
    return ", ".join(names[:-1]) + joiner + names[-1] if len(names) > 1 else names[0]


def named(record: Mapping[str, Any], language: str) -> str:
    """'Master of Science Computer Science, cum laude'."""
    judicium = words("judicium", record.get("judicium", ""), language)
    return f"{title(record, language)}, {judicium}" if judicium else title(record, language)


def full_name(record: Mapping[str, Any], language: str) -> str:
    """'Master of Science Computer Science, cum laude — Universiteit Utrecht, 30 August 2023'."""
    text = named(record, language)
    day = record.get("date_of_issue")
    if record.get("status") == "earned":
        earned = "earned on" if lang(language) == "en" else "behaald op"
        when = f"{earned} {long_date(record.get('exam_date') or day, language)}"
    else:
        when = long_date(day, language)
    return f"{text} — {institutions(record, language)}, {when}"


def level(record: Mapping[str, Any], language: str) -> str:
    """'NLQF/EQF level 7' for a degree or an mbo level, else empty."""
    number = NLQF.get(record.get("degree", "")) or record.get("mbo_level")
    if not number:
        return ""
    return f"NLQF/EQF level {number}" if lang(language) == "en" else f"NLQF/EQF-niveau {number}"


def extended_lines(record: Mapping[str, Any], language: str) -> list[tuple[str, str]]:
    """The extended data as (label, text) lines, labels from law/disclosure_labels.yaml."""
    fields = disclosure_labels()["fields"]
    language = lang(language)

    def label(name: str) -> str:
        text = fields[name].text(language).split(" (")[0]
        return text[:1].upper() + text[1:]

    lines = []
    if record.get("specialisation"):
        lines.append((label("specialisation"), str(record["specialisation"])))
    if record.get("judicium"):
        lines.append((label("judicium"), words("judicium", record["judicium"], language)))
    if record.get("degree") and degree(record, language) != (record.get("ho_degree") or "").strip():
        lines.append((label("degree"), degree(record, language)))
    if record.get("awarding_organisations"):
        lines.append((label("awarding_organisations"), institutions(record, language)))
    if record.get("instruction_languages"):
        names = [words("taal", c, language) for c in record["instruction_languages"]]
        lines.append((label("instruction_languages"), ", ".join(n for n in names if n)))
    if record.get("weighted_average") is not None and "weighted_average" in record:
        average = str(record["weighted_average"])
        lines.append((label("weighted_average"), average if language == "en" else average.replace(".", ",")))  # fmt: skip
    if level(record, language):
        lines.append(("NLQF/EQF", level(record, language).split()[-1]))
    return lines
