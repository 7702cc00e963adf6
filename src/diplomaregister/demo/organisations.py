"""Demo organisations (besturen, instellingen, national bodies) and the programme reference list.

Few rows (hundreds at most), so written with the ORM. Codes are valid: BRIN (python-stdnum), RIO
onderwijsaanbieder ``999A999`` and bestuur ``999B999`` (``organisations/codes.py``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from diplomaregister.demo import reference
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Programme

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NATIONAL_BODIES = [
    ("CVTE", "cvte", "College voor toetsen en examens"),
    ("DUOINB", "inburgering_examinator", "DUO, examinator inburgering"),
    # recipients of verstrekkingen (law/legal_bases.yaml), so the recipient API can be tried out
    ("OCW", "minister_ocw", "Ministerie van OCW (DUO)"),
    ("SZW", "minister_szw", "Ministerie van SZW"),
    ("CIBG", "minister_vws", "CIBG (BIG-register, ministerie van VWS)"),
    ("MZ", "minister_mz", "Minister voor Medische Zorg"),
    ("ZIN", "zorginstituut", "Zorginstituut Nederland"),
    ("CBS", "cbs", "Centraal Bureau voor de Statistiek"),
    ("UWV", "uwv", "Uitvoeringsinstituut werknemersverzekeringen"),
    ("INSP", "inspectie", "Inspectie van het Onderwijs"),
]


@dataclass
class OrgPool:
    """Organisation ids per kind, and programme ids per (sector, code)."""

    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    programmes: dict[tuple[str, str], int] = field(default_factory=dict)


def _brin(n: int) -> str:
    return f"{n % 100:02d}{_LETTERS[(n // 100) % 26]}{_LETTERS[(n // 2600) % 26]}"


def organisation_count(spec: reference.OrgSpec, persons: int) -> int:
    return max(spec.minimum, min(spec.maximum, persons // spec.per_persons))


def ensure_programmes() -> dict[tuple[str, str], int]:
    for sector, code, name_nl, name_en, level, degree in reference.ALL_PROGRAMMES:
        Programme.objects.get_or_create(
            sector=sector,
            code=code,
            defaults={"name_nl": name_nl, "name_en": name_en, "level": level, "degree": degree},
        )
    return {(p.sector, p.code): p.pk for p in Programme.objects.all()}


def create_organisations(persons: int, rng: random.Random) -> OrgPool:
    """Besturen with their instellingen for every kind in ``reference.ORG_SPECS``, plus the
    national bodies that award staatsexamens (CvTE, art. 16 onder p, q) and inburgering (r)."""
    pool = OrgPool()
    number = 100  # BRIN and RIO counters start high enough to stay clear of test factories
    for spec in reference.ORG_SPECS:
        for index in range(organisation_count(spec, persons)):
            number += 1
            city = rng.choice(reference.CITIES)
            bestuur, _ = Organisation.objects.get_or_create(
                code=f"{number // 1000:03d}B{number % 1000:03d}",
                defaults={
                    "name": f"Stichting {spec.label} {city} {index + 1}",
                    "kind": "bestuur",
                    "rio_code": f"{number // 1000:03d}B{number % 1000:03d}",
                    "bekostigd": spec.bekostigd,
                    "municipality": city,
                },
            )
            brin = _brin(number)
            org, _ = Organisation.objects.get_or_create(
                code=brin,
                defaults={
                    "name": f"{spec.label} {city}" + (f" {index + 1}" if index else ""),
                    "kind": spec.kind,
                    "brin": brin,
                    "rio_code": f"{number // 1000:03d}A{number % 1000:03d}",
                    "bestuur": bestuur,
                    "bekostigd": spec.bekostigd,
                    "municipality": city,
                },
            )
            pool.by_kind[spec.kind].append(org.pk)
    for code, kind, name in NATIONAL_BODIES:
        org, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "bekostigd": None}
        )
        pool.by_kind[kind].append(org.pk)
    pool.programmes = ensure_programmes()
    return pool
