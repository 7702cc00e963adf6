"""What the holder's diploma page shows beyond the basic data: the diploma named as people know it,
the extended data (issue 13) in words, the HO grade list and the diploma's history (what changed
when, and who delivered it). Built only from what the engine disclosed for the page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from diplomaregister.law.loaders import disclosure_labels
from diplomaregister.verstrekking import naming

# The outputs the diploma page asks the engine for besides the basic ones.
EXTENDED_FIELDS = ("specialisation", "judicium", "degree", "degree_addition",
                   "awarding_organisations", "instruction_languages", "course_results",
                   "weighted_average", "history", "known_since")  # fmt: skip


def _number(value: Any, language: str) -> str:
    if value is None or value == "":
        return ""
    text = f"{value}"
    return text if language == "en" else text.replace(".", ",")


def _field_words(names: list[str], language: str) -> str:
    fields = disclosure_labels()["fields"]
    return ", ".join(fields[n].text(language) if n in fields else n for n in names)


def history_rows(record: dict[str, Any], language: str) -> list[dict[str, Any]]:
    rows = []
    for entry in record.get("history") or []:
        rows.append({
            "when": timezone.localtime(entry["recorded_at"]),
            "valid_from": entry["valid_from"],
            "what": naming.value_words("change", entry["change"], language),
            "changed": _field_words(entry["changed"], language),
            "delivered_by": entry["delivered_by"],
        })  # fmt: skip
    return rows


def course_rows(record: dict[str, Any], language: str) -> list[dict[str, str]]:
    return [
        {"code": r["unit_code"], "name": r["unit_name"], "credits": naming.credits(r["credits_ec"], language),
         "result": _number(r["grade"], language) or naming.words("uitslag_onderdeel", r["pass_result"], language),
         "date": naming.long_date(r["result_date"], language)}
        for r in record.get("course_results") or []
    ]  # fmt: skip


def context(record: dict[str, Any], language: str) -> dict[str, Any]:
    language = naming.lang(language)
    courses = course_rows(record, language)
    return {
        "title": naming.title(record, language),
        "full_name": naming.full_name(record, language),
        "earned": record.get("status") == "earned",
        "extended": naming.extended_lines(record, language),
        "courses": courses,
        "total_credits": naming.credits(sum(r["credits_ec"] for r in record.get("course_results") or []), language)
        if courses else "",
        "history": history_rows(record, language),
        "known_since": timezone.localtime(record["known_since"]) if record.get("known_since") else None,
    }  # fmt: skip
