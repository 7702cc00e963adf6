"""One synthetic person and their education life: the documents of art. 16 they earned, with the
enrolments (art. 5) behind them, corrections, withdrawals and deaths, as register rows.

Every row is what the register services (``register/services.py``, ``register/facts.py``) would have
written for the same deliveries: version numbers, valid and recorded times, ``person_id`` on every
person-scoped row. A person's randomness comes from ``Random(seed, index)`` only, so the data set is
the same whatever the chunk size, and a test can rebuild any one person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from diplomaregister.core.pgn import synthetic_bsn, synthetic_onderwijsnummer
from diplomaregister.demo import extended as demo_extended
from diplomaregister.demo import reference as ref
from diplomaregister.demo.bulk import BulkWriter, IdBlock
from diplomaregister.demo.organisations import OrgPool
from diplomaregister.law.loaders import document_kinds, legal_terms
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import decide, extended
from diplomaregister.register.extended import weighted_average
from diplomaregister.register.inputs import DiplomaData, GradeData
from diplomaregister.register.models import (
    Change,
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    Enrolment,
    EnrolmentVersion,
    Person,
    PersonVersion,
)

WRITE_ORDER = [
    Person,
    PersonVersion,
    Diploma,
    DiplomaVersion,
    DiplomaGrade,
    Enrolment,
    EnrolmentVersion,
]


@dataclass
class NamePool:
    male: list[str]
    female: list[str]
    family: list[str]

    @classmethod
    def build(cls, seed: int, size: int = 400) -> NamePool:
        from faker import Faker

        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        return cls(
            male=[fake.first_name_male() for _ in range(size)],
            female=[fake.first_name_female() for _ in range(size)],
            family=[fake.last_name() for _ in range(size * 2)],
        )


@dataclass
class Doc:
    """A document as delivered: the fields of DiplomaData plus where and when."""

    kind: str
    sector: str
    org_kind: str
    issued: dt.date
    programme: tuple[str, str] | None = None
    values: dict[str, Any] = field(default_factory=dict)
    grades: list[tuple[str, str, Decimal, Decimal | None, Decimal]] = field(default_factory=list)
    years: int = 0  # length of the enrolment behind it; 0 = no enrolment (exams by CvTE, DUO)


@dataclass
class Context:
    seed: int
    today: dt.date
    now: dt.datetime
    names: NamePool
    orgs: OrgPool
    ids: IdBlock
    writer: BulkWriter
    pgns: set[str] = field(default_factory=set)  # onderwijsnummers taken (BSNs are unique by index)
    offset: int = 0  # persons already in the register: BSNs continue after them
    codes: dict[int, str] = field(default_factory=dict)  # organisation id -> code (joint degrees)


def _date(rng: random.Random, year: int, month: int, first: int = 1, last: int = 28) -> dt.date:
    return dt.date(year, month, rng.randint(first, last))


def _grades(rng: random.Random, profile: str, central: bool = True) -> list[Any]:
    lines = []
    for code, name in ref.VO_CORE + ref.VO_PROFILE_SUBJECTS[profile]:
        school = Decimal(rng.randint(55, 85)) / 10
        exam = (Decimal(rng.randint(45, 90)) / 10) if central else None
        final = Decimal(round((school + (exam if exam is not None else school)) / 2))
        lines.append((code, name, school, exam, max(Decimal(1), final)))
    return lines


def _secondary(rng: random.Random, birth: dt.date) -> tuple[list[Doc], str]:
    """VO (art. 16 onder l, m, n) or VSO (onder o); returns the track for what comes next."""
    if rng.random() < ref.VSO_SHARE:
        leerweg = rng.choice(["bb", "tl"])
        year = birth.year + 17
        return [
            Doc("o", "VSO", "vso_school", _date(rng, year, 7), ("VSO", f"VSO-VMBO-{leerweg.upper()}"),
                {"vo_leerweg": leerweg, "vo_profile": leerweg.upper()},
                _grades(rng, leerweg.upper()), years=4)
        ], "vmbo"  # fmt: skip
    if rng.random() >= ref.VO_SHARE:
        return [], "none"
    track = rng.choices(["vmbo", "havo", "vwo"], weights=[55, 25, 20])[0]
    age = {"vmbo": 16, "havo": 17, "vwo": 18}[track]
    issued = _date(rng, birth.year + age, 7, 1, 20)
    if track == "vmbo":
        leerweg = rng.choice(["tl", "gl", "kb", "bb"])
        profile, values = leerweg.upper(), {"vo_leerweg": leerweg, "vo_profile": leerweg.upper()}
        code = f"VMBO-{profile}"
    else:
        profile = rng.choice(["NT", "NG", "EM", "CM"])
        values, code = {"vo_profile": profile}, f"{track.upper()}-{profile}"
    kind, org_kind = "l", "vo_school"
    roll = rng.random()
    if roll < 0.01:
        kind, org_kind = "n", "vo_school_aangewezen"
    elif roll < 0.03:
        kind = "m"  # pupil enrolled at a (v)so school who sat a VO exam (art. 16 onder m)
    doc = Doc(kind, "VO", org_kind, issued, ("VO", code), values, _grades(rng, profile), years=4)
    return [doc], track


def _vocational(rng: random.Random, birth: dt.date, track: str) -> list[Doc]:
    docs = []
    chance = {"vmbo": 0.75, "havo": 0.12, "vwo": 0.03, "none": 0.3}[track]
    if rng.random() < chance * ref.MBO_SHARE / 0.42:
        sector, code, *_rest = rng.choice(ref.MBO_PROGRAMMES)
        level = int(_rest[2])
        kind, org_kind = (
            ("i", "mbo_niet_bekostigd") if rng.random() < 0.05 else ("h", "mbo_instelling")
        )
        values = {"mbo_level": level, "mbo_leerweg": rng.choices(["bol", "bbl"], [80, 20])[0]}
        issued = _date(rng, birth.year + 18 + max(level - 1, 1), rng.choice([6, 7, 12]))
        docs.append(Doc(kind, "MBO", org_kind, issued, (sector, code), values, years=level))
    if track == "havo" and rng.random() < ref.VAVO_SHARE * 5:
        issued = _date(rng, birth.year + 19, 7)
        values = {"vo_profile": rng.choice(["EM", "CM"])}
        docs.append(
            Doc("j", "VAVO", "mbo_instelling", issued, ("VAVO", "VAVO-VWO"), values, years=1)
        )
    return docs


def _ho(rng: random.Random, sector: str, code: str, issued: dt.date, exam_type: str) -> Doc:
    programme = next(p for p in ref.ALL_PROGRAMMES if p[0] == sector and p[1] == code)
    degree = "" if exam_type == "propedeuse" else programme[5]
    kind = "f" if programme[4] == "ad" else "a"
    org_kind = rng.choice(
        ["hogeschool"] if sector == "HBO" else ["universiteit", "universiteit", "open_universiteit"]
    )
    if sector == "WO" and code == "50245":
        kind, org_kind = "c", "levensbeschouwelijke_instelling"
    values = {
        "ho_exam_type": exam_type,
        "ho_degree": degree,
        "exam_date": issued - dt.timedelta(days=rng.randint(0, 40)),
    }
    return Doc(
        kind,
        sector,
        org_kind,
        issued,
        (sector, code),
        values,
        years=1 if exam_type == "propedeuse" else 3,
    )


def _higher(rng: random.Random, birth: dt.date, track: str, docs: list[Doc]) -> list[Doc]:
    out: list[Doc] = []
    mbo4 = any(d.sector == "MBO" and d.values.get("mbo_level") == 4 for d in docs)
    if track == "vwo" and rng.random() < 0.7:
        bachelor = rng.choices(["50033", "56980", "56826", "50245"], [32, 32, 33, 3])[0]
        master = {"50033": "60345", "56980": "60300", "56826": "66604", "50245": ""}[bachelor]
        out.append(_ho(rng, "WO", bachelor, _date(rng, birth.year + 21, 8), "afsluitend"))
        if master and rng.random() < 0.75:
            out.append(_ho(rng, "WO", master, _date(rng, birth.year + 23, 8), "afsluitend"))
        elif rng.random() < 0.1:
            out.append(_ho(rng, "WO", "56604", _date(rng, birth.year + 24, 9), "afsluitend"))
    elif (track == "havo" and rng.random() < 0.55) or (mbo4 and rng.random() < 0.3):
        if rng.random() < 0.08:
            out.append(_ho(rng, "HBO", "80072", _date(rng, birth.year + 21, 7), "afsluitend"))
            return out
        code = rng.choice(["34035", "34479", "34139", "34808"])
        out.append(_ho(rng, "HBO", code, _date(rng, birth.year + 19, 9), "propedeuse"))
        out.append(_ho(rng, "HBO", code, _date(rng, birth.year + 22, 7), "afsluitend"))
        if rng.random() < 0.05:
            out.append(_ho(rng, "HBO", "49230", _date(rng, birth.year + 25, 7), "afsluitend"))
    return out


def _national(rng: random.Random, birth: dt.date, today: dt.date) -> list[Doc]:
    docs = []
    if rng.random() < ref.STAATSEXAMEN_SHARE:
        code, profile = rng.choice([("SE-VWO", "NT"), ("SE-HAVO", "EM")])
        docs.append(Doc("p", "STAATSEXAMEN", "cvte", _date(rng, birth.year + 18, 7),
                        ("STAATSEXAMEN", code), {"vo_profile": profile}, _grades(rng, profile)))  # fmt: skip
    if rng.random() < ref.INBURGERING_SHARE:
        issued = _date(rng, rng.randint(2007, today.year), rng.randint(1, 12))
        docs.append(Doc("r", "INBURGERING", "inburgering_examinator", issued))
        if rng.random() < 0.3:
            docs.append(Doc("q", "STAATSEXAMEN", "cvte", issued + dt.timedelta(days=rng.randint(60, 700)),
                            ("STAATSEXAMEN", "SE-NT2-II")))  # fmt: skip
    return docs


def life(rng: random.Random, birth: dt.date, today: dt.date) -> list[Doc]:
    """The documents a person earned, before the register's cut-off of each kind (art. 16)."""
    docs, track = _secondary(rng, birth)
    docs += _vocational(rng, birth, track)
    docs += _higher(rng, birth, track, docs)
    docs += _national(rng, birth, today)
    kinds = document_kinds()
    return [
        d
        for d in docs
        if kinds[d.kind].start_date is not None
        and kinds[d.kind].start_date <= d.issued  # type: ignore[operator]
        and d.issued < today
    ]


def _received(rng: random.Random, doc: Doc) -> dt.datetime:
    """When the register received the document: mostly within the legal term (legal_terms.yaml)."""
    term = legal_terms()[doc.sector].days
    delay = (
        rng.randint(term + 1, term + 60)
        if rng.random() < ref.LATE_SHARE
        else rng.randint(1, term - 1)
    )
    day = doc.issued + dt.timedelta(days=delay)
    return dt.datetime(
        day.year, day.month, day.day, 9, rng.randint(0, 59), tzinfo=dt.UTC
    ) + dt.timedelta(minutes=rng.randint(0, 480))


def _pgn(rng: random.Random, index: int, ctx: Context) -> tuple[str, str]:
    if rng.random() < ref.ONDERWIJSNUMMER_SHARE:
        for attempt in range(50):
            number = synthetic_onderwijsnummer(rng.randint(0, 999_999) + attempt)
            if number not in ctx.pgns:
                ctx.pgns.add(number)
                return number, "onderwijsnummer"
    return synthetic_bsn(ctx.offset + index + 1), "bsn"


def add_person(index: int, ctx: Context) -> int:
    """Write one person with their documents into the context's writer; returns documents made."""
    rng = random.Random(ctx.seed * 10_000_019 + index)
    gender = rng.choices(["M", "V", "X"], [49, 50, 1])[0]
    first = rng.choice(ctx.names.male if gender == "M" else ctx.names.female)
    given = (
        first if rng.random() < 0.7 else f"{first} {rng.choice(ctx.names.female + ctx.names.male)}"
    )
    birth = dt.date(rng.randint(1972, 2009), rng.randint(1, 12), rng.randint(1, 28))
    docs = life(rng, birth, ctx.today)
    received = [(doc, _received(rng, doc)) for doc in docs]
    received = [(d, r) for d, r in received if r <= ctx.now]
    first_seen = min((r for _, r in received), default=ctx.now)
    pgn, pgn_type = _pgn(rng, index, ctx)
    person_id = ctx.ids.take(Person)
    w = ctx.writer
    w.add(Person, id=person_id, pgn=pgn, pgn_type=pgn_type, created_at=first_seen)
    identity = {"person_id": person_id, "family_name": rng.choice(ctx.names.family), "given_names": given,
                    "gender": gender, "birth_date": birth, "valid_from": birth, "birth_place": rng.choice(ref.CITIES),
                    "birth_country": "6030", "nationality": "0001"}  # fmt: skip
    w.add(
        PersonVersion,
        id=ctx.ids.take(PersonVersion),
        version=1,
        recorded_at=first_seen,
        change="new",
        **identity,
    )
    if rng.random() < ref.DEATH_SHARE:
        died = ctx.today - dt.timedelta(days=rng.randint(30, 3650))
        known = dt.datetime.combine(
            died + dt.timedelta(days=rng.randint(1, 10)), dt.time(8), tzinfo=dt.UTC
        )
        if died > birth and known <= ctx.now and known > first_seen:
            w.add(PersonVersion, id=ctx.ids.take(PersonVersion), version=2, recorded_at=known,
                  change="death", death_date=died, **identity)  # fmt: skip
    for number, (doc, recorded) in enumerate(received):
        _add_document(rng, ctx, person_id, index, number, doc, recorded)
    return len(received)


_DEMO: Any = None  # documents carry their sector, so the decision needs no organisation


def _add_document(
    rng: random.Random,
    ctx: Context,
    person_id: int,
    index: int,
    number: int,
    doc: Doc,
    recorded: dt.datetime,
) -> None:
    w, ids = ctx.writer, ctx.ids
    org_id = rng.choice(ctx.orgs.by_kind[doc.org_kind])
    record_key = f"D{ctx.seed}-{index:07d}-{number}"
    diploma_id = ids.take(Diploma)
    w.add(Diploma, id=diploma_id, person_id=person_id, organisation_id=org_id, record_key=record_key,
          created_at=recorded)  # fmt: skip
    programme_id = ctx.orgs.programmes[doc.programme] if doc.programme else None
    # The rows come from the register's own decision step (register/decide.py), as for a delivery.
    data = DiplomaData(record_key=record_key, kind=doc.kind, date_of_issue=doc.issued, sector=doc.sector,
                       programme_code=doc.programme[1] if doc.programme else "",
                       grades=[GradeData(*g) for g in doc.grades], **doc.values)  # fmt: skip
    data = _extended(rng, ctx, data, org_id)
    assert data.date_of_issue is not None
    first, grades = decide.version_row(data, _DEMO, number=1, change=Change.NEW,
                                       valid_from=data.date_of_issue, recorded_at=recorded,
                                       source="demo")  # fmt: skip
    versions = [(first, grades)]
    if rng.random() < ref.CORRECTION_SHARE:
        fixed = data
        if doc.grades:  # a grade corrected on the cijferlijst
            last = data.grades[-1]
            better = min(Decimal(10), (last.final_grade or Decimal(5)) + 1)
            fixed = replace(data, grades=[*data.grades[:-1], replace(last, final_grade=better)])
            if data.weighted_average is not None:  # an HO grade list: its average follows
                fixed = replace(fixed, weighted_average=weighted_average(fixed.grades))
        elif "exam_date" in doc.values:
            fixed = replace(data, exam_date=doc.values["exam_date"] - dt.timedelta(days=1))
        else:
            fixed = replace(data, date_of_issue=doc.issued - dt.timedelta(days=1))
        assert fixed.date_of_issue is not None
        versions.append(decide.version_row(
            fixed, _DEMO, number=2, change=Change.CORRECTION,
            valid_from=min(doc.issued, fixed.date_of_issue),
            recorded_at=recorded + dt.timedelta(days=rng.randint(3, 120)), source="demo"))  # fmt: skip
    if rng.random() < ref.WITHDRAWAL_SHARE:
        effective = doc.issued + dt.timedelta(days=rng.randint(30, 400))
        known = dt.datetime.combine(effective, dt.time(10), tzinfo=dt.UTC)
        columns, grades = versions[-1]
        if known > columns["recorded_at"]:
            versions.append((decide.withdrawal_row(
                columns, number=len(versions) + 1, effective_date=effective,
                reason="Diploma ingetrokken door de instelling (fraude)", code="fraud",
                recorded_at=known, source="demo"), grades))  # fmt: skip
    for columns, grades in versions:
        if columns["recorded_at"] > ctx.now:
            break
        version_id = ids.take(DiplomaVersion)
        w.add(DiplomaVersion, id=version_id, diploma_id=diploma_id, person_id=person_id,
              programme_id=programme_id, **columns)  # fmt: skip
        for grade in grades:
            w.add(DiplomaGrade, id=ids.take(DiplomaGrade), diploma_version_id=version_id,
                  person_id=person_id, **grade)  # fmt: skip
    if doc.years:
        _add_enrolment(rng, ctx, person_id, org_id, record_key, doc, programme_id)


def _extended(rng: random.Random, ctx: Context, data: DiplomaData, org_id: int) -> DiplomaData:
    """The extended data an HO institution delivers (demo.extended), cut to the active scenario
    as the register's decision step cuts a delivery (register.extended.cut)."""
    if data.sector not in ("HBO", "WO"):
        return data
    if not ctx.codes:
        ctx.codes = dict(Organisation.objects.values_list("id", "code"))
    partners = [ctx.codes[i] for i in ctx.orgs.by_kind.get("universiteit", []) if i != org_id]
    values = demo_extended.extend(rng, data, own_code=ctx.codes.get(org_id, ""),
                                  partner_codes=partners, today=ctx.today)  # fmt: skip
    return extended.cut(replace(data, **values))[0]


def _add_enrolment(
    rng: random.Random,
    ctx: Context,
    person_id: int,
    org_id: int,
    key: str,
    doc: Doc,
    programme_id: int | None,
) -> None:
    """The inschrijving behind a document (art. 5): needed to answer "own (former) student" (art. 53)."""
    start = dt.date(doc.issued.year - doc.years, 9, 1)
    recorded = dt.datetime.combine(
        start + dt.timedelta(days=rng.randint(1, 20)), dt.time(7), tzinfo=dt.UTC
    )
    if recorded > ctx.now:
        return
    enrolment_id = ctx.ids.take(Enrolment)
    ctx.writer.add(
        Enrolment,
        id=enrolment_id,
        person_id=person_id,
        organisation_id=org_id,
        record_key=f"I{key}",
    )
    ctx.writer.add(EnrolmentVersion, id=ctx.ids.take(EnrolmentVersion), enrolment_id=enrolment_id,
                   person_id=person_id, version=1, valid_from=start, recorded_at=recorded, change="new",
                   source="demo", start_date=start, end_date=None, enrolment_form="voltijd",
                   programme_id=programme_id, vo_leerweg=doc.values.get("vo_leerweg", ""))  # fmt: skip
