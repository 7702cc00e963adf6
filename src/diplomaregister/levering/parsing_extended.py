"""The extended diploma fields of a delivered record (issue 13; law/scenarios.yaml) into register
inputs; the rules themselves are in ``register.extended`` (the one validation of every path)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from diplomaregister.register.errors import Violation

TEXTS = ("specialisation", "judicium", "degree", "degree_addition")
FIELDS = (*TEXTS, "awarding_organisations", "instruction_languages", "weighted_average", "status")
STATUSES = ("issued", "earned")
PARTNER_KEYS = ("organisation_code", "name", "country")


def _list(raw: dict[str, Any], name: str, problems: list[Violation]) -> list[Any]:
    value = raw.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):  # CSV: comma-separated codes
            return [part.strip() for part in text.split(",") if part.strip()]
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            problems.append(Violation(name, "json", f"{name} must be a JSON array."))
            return []
    if not isinstance(value, list):
        problems.append(Violation(name, "json", f"{name} must be a JSON array."))
        return []
    return value


def _decimal(value: Any, name: str, problems: list[Violation]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        problems.append(Violation(name, "number.format", "Use a number such as 7.5."))
        return None
    return number


def extended_values(raw: dict[str, Any], problems: list[Violation]) -> dict[str, Any]:
    """The DiplomaData keyword arguments of the extended fields and the earned status."""
    values: dict[str, Any] = {name: str(raw.get(name) or "").strip() for name in TEXTS}
    partners = []
    for i, item in enumerate(_list(raw, "awarding_organisations", problems)):
        if not isinstance(item, dict):
            problems.append(Violation(f"awarding_organisations[{i}]", "json",
                                      "Each awarding organisation is a JSON object."))  # fmt: skip
            continue
        partners.append({str(k): str(v).strip() for k, v in item.items() if str(v or "").strip()})
    values["awarding_organisations"] = partners
    values["instruction_languages"] = [
        str(code).strip().lower() for code in _list(raw, "instruction_languages", problems)
    ]
    values["weighted_average"] = _decimal(raw.get("weighted_average"), "weighted_average", problems)
    status = str(raw.get("status") or "issued").strip()
    if status not in STATUSES:
        problems.append(Violation("status", "choice", "status is issued or earned (behaald, nog "
                                  "niet uitgereikt)."))  # fmt: skip
    values["earned"] = status == "earned"
    return values


def course_values(item: dict[str, Any], index: int, problems: list[Violation]) -> dict[str, Any]:
    """The HO course-result columns of one grade row (EC, pass result, date)."""
    date_text = str(item.get("result_date") or "").strip()
    result_date = None
    if date_text:
        try:
            result_date = dt.date.fromisoformat(date_text)
        except ValueError:
            problems.append(Violation(f"grades[{index}].result_date", "date.format",
                                      "Use an ISO date: YYYY-MM-DD."))  # fmt: skip
    return {
        "credits_ec": _decimal(item.get("credits_ec"), f"grades[{index}].credits_ec", problems),
        "pass_result": str(item.get("pass_result") or "").strip(),
        "result_date": result_date,
    }
