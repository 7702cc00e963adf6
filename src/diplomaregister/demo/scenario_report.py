"""``diplomaregister scenario_report``: per scenario of law/scenarios.yaml the extended fields it
stores and shows, the share of demo deliveries that carry each field (the demo's documents as
institutions would deliver them, before the register's cut), and the extra storage per million
diplomas that storing them costs."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, replace
from typing import Any

from diplomaregister.demo import extended as demo_extended
from diplomaregister.demo.persons import life
from diplomaregister.law.loaders import extended_fields, scenarios
from diplomaregister.register.extended import field_attributes, is_course_result
from diplomaregister.register.inputs import DiplomaData

MILLION = 1_000_000


@dataclass
class FieldFigures:
    carried: int = 0  # deliveries that carry the field
    payload: int = 0  # bytes of the values delivered (UTF-8 text, JSON, 8 per number)
    rows: int = 0  # rows (HO units)


def _size(value: Any) -> int:
    if value in (None, "", [], {}):
        return 0
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, list | dict):
        return len(json.dumps(value, ensure_ascii=False).encode())
    return 8


def demo_deliveries(persons: int, seed: int, today: dt.date) -> list[DiplomaData]:
    """The documents of ``persons`` demo persons with the extended data their institutions deliver."""
    rng = random.Random(seed)
    out = []
    for _ in range(persons):
        birth = dt.date(rng.randint(1975, today.year - 18), rng.randint(1, 12), rng.randint(1, 28))
        for doc in life(rng, birth, today):
            data = DiplomaData(record_key="x", kind=doc.kind, date_of_issue=doc.issued, sector=doc.sector,
                               programme_code=doc.programme[1] if doc.programme else "", **doc.values)  # fmt: skip
            values = demo_extended.extend(
                rng, data, own_code="00AA", partner_codes=["00BB"], today=today
            )
            out.append(replace(data, **values) if values else data)
    return out


def figures(deliveries: list[DiplomaData]) -> dict[str, FieldFigures]:
    attributes = field_attributes()
    result = {name: FieldFigures() for name in attributes}
    for data in deliveries:
        for name, names in attributes.items():
            figure = result[name]
            size = sum(_size(getattr(data, a)) for a in names)
            units = (
                [g for g in data.grades if is_course_result(g)] if name == "course_results" else []
            )
            if size or units:
                figure.carried += 1
                figure.payload += size
                figure.rows += len(units)
    return result


def report(persons: int = 2000, seed: int = 1, today: dt.date | None = None) -> dict[str, Any]:
    """The report as data: per field its share and bytes per million diplomas; per scenario its
    fields and the sum."""
    today = today or dt.date.today()
    deliveries = demo_deliveries(persons, seed, today)
    total = len(deliveries) or 1
    higher = sum(1 for d in deliveries if d.sector in ("HBO", "WO")) or 1
    fields = extended_fields()
    per_field: dict[str, dict[str, float]] = {}
    for name, figure in figures(deliveries).items():
        spec = fields[name]
        stored = figure.payload + figure.carried * spec.bytes + figure.rows * spec.bytes_per_row
        per_field[name] = {"share": figure.carried / total, "share_ho": figure.carried / higher,
                           "bytes_per_million": round(stored / total * MILLION)}  # fmt: skip
    per_scenario: dict[str, dict[str, Any]] = {}
    for code, scenario in scenarios().items():
        names = sorted(n for n in scenario.stored if n in per_field)
        per_scenario[code] = {
            "name_nl": scenario.name_nl, "name_en": scenario.name_en,
            "stored": sorted(scenario.stored), "shown": sorted(scenario.shown),
            "bytes_per_million": sum(per_field[n]["bytes_per_million"] for n in names),
        }  # fmt: skip
    return {"deliveries": len(deliveries), "fields": per_field, "scenarios": per_scenario}


def as_text(data: dict[str, Any]) -> str:
    lines = [f"Demo deliveries: {data['deliveries']} documents (all sectors)", "",
             f"{'field':24} {'share of deliveries':>20} {'of HO deliveries':>17} "
             f"{'MB per million diplomas':>25}"]  # fmt: skip
    for name, item in data["fields"].items():
        lines.append(f"{name:24} {item['share']:>19.1%} {item['share_ho']:>17.1%} "
                     f"{item['bytes_per_million'] / 1e6:>25.1f}")  # fmt: skip
    lines.append("")
    for code, item in data["scenarios"].items():
        lines.append(f"Scenario {code} — {item['name_en']} ({item['name_nl']})")
        lines.append(f"  stored: {', '.join(item['stored']) or '-'}")
        lines.append(f"  shown:  {', '.join(item['shown']) or '-'}")
        lines.append(
            f"  extra storage per million diplomas: {item['bytes_per_million'] / 1e6:.1f} MB"
        )
    return "\n".join(lines)
