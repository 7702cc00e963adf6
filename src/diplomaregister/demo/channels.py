"""Demo data that goes through the register's own channels (not the bulk loader): for a sample of
persons, enrolments and results delivered through the levering pipeline; BRP mutations (a name
change, a death); one onderwijsnummer merged into a BSN. Deterministic per seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Min

from diplomaregister.core import clock
from diplomaregister.core.pgn import synthetic_bsn
from diplomaregister.levering import pipeline
from diplomaregister.register import brp
from diplomaregister.register.merge import merge_person
from diplomaregister.register.models import Diploma, Person
from diplomaregister.register.selectors import identity

SAMPLE = 50


@dataclass
class ChannelSummary:
    facts: int = 0
    mutations: int = 0
    merged: int = 0


def _person_fields(person: Person) -> dict[str, str]:
    current = identity(person)
    assert current is not None
    return {"pgn": person.pgn, "pgn_type": person.pgn_type, "family_name": current.family_name,
            "given_names": current.given_names, "gender": current.gender,
            "birth_date": current.birth_date.isoformat()}  # fmt: skip


def through_channels(seed: int = 1, sample: int = SAMPLE) -> ChannelSummary:
    rng = random.Random(seed * 7919)
    summary = ChannelSummary()
    firsts = (
        Diploma.objects.values("person_id").annotate(first=Min("pk")).order_by("person_id")[:sample]
    )
    diplomas = Diploma.objects.select_related("organisation", "person").in_bulk(
        [row["first"] for row in firsts]
    )
    for diploma in diplomas.values():
        person, org = diploma.person, diploma.organisation
        versions = list(diploma.versions.order_by("version"))
        issued = versions[-1].date_of_issue
        base = _person_fields(person)
        records = [
            {**base, "type": "enrolment", "record_key": f"DEMO-INS-{diploma.pk}",
             "start_date": dt.date(issued.year - 3, 9, 1).isoformat(),
             "end_date": issued.isoformat(), "end_reason": "diploma"},
            {**base, "type": "result", "record_key": f"DEMO-RES-{diploma.pk}",
             "result_type": "exam_outcome", "result_date": issued.isoformat(), "outcome": "geslaagd"},
        ]  # fmt: skip
        delivery = pipeline.start(org, channel="api")
        delivery = pipeline.run(delivery, records)
        summary.facts += delivery.created + delivery.corrected
    bsns = list(Person.objects.filter(pgn_type="bsn", diplomas__isnull=False).distinct()
                .order_by("pk").values_list("pgn", flat=True)[:2])  # fmt: skip
    today = clock.today()
    if bsns:
        name = {"bsn": bsns[0], "kind": "name", "family_name": rng.choice(["de Jong-Visser", "Bakker-Smit"]),
                "given_names": identity(Person.objects.get(pgn=bsns[0])).given_names,  # type: ignore[union-attr]
                "valid_from": (today - dt.timedelta(days=90)).isoformat()}  # fmt: skip
        summary.mutations += brp.apply(name, source="demo:brp").outcome == "applied"
    if len(bsns) > 1:
        died = (today - dt.timedelta(days=30)).isoformat()
        death = {"bsn": bsns[1], "kind": "death", "death_date": died, "valid_from": died}
        summary.mutations += brp.apply(death, source="demo:brp").outcome == "applied"
    onr = Person.objects.filter(pgn_type="onderwijsnummer", merged_into__isnull=True,
                                diplomas__isnull=False).order_by("pk").first()  # fmt: skip
    if onr is not None:
        new_bsn = next(synthetic_bsn(9_999_000 - i) for i in range(1000)
                       if not Person.objects.filter(pgn=synthetic_bsn(9_999_000 - i)).exists())  # fmt: skip
        merge_person(onr.pgn, new_bsn)
        summary.merged = 1
    return summary
