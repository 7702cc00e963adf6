"""The set-based chunk path (levering/_staging.py, PostgreSQL) writes exactly the register rows and
the feedback the per-record path (register/services.py, register/facts.py) writes, for every
action: new, unchanged, corrected, withdrawn (and its refusals), identity new / corrected by its
source / mismatch, another person's key, every rule, enrolments and results."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from diplomaregister.core.pgn import synthetic_bsn, synthetic_onderwijsnummer
from diplomaregister.levering import _staging, pipeline
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import models as register

from .conftest import vo_record
from .test_pipeline import RULES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's"
    ),
]
MODELS = (register.Person, register.PersonVersion, register.Programme, register.Diploma,
          register.DiplomaVersion, register.DiplomaGrade, register.Enrolment, register.EnrolmentVersion,
          register.Result, register.ResultVersion, register.IdentityMismatch, DeliveryRecord, Delivery)  # fmt: skip
NATURAL = {register.Person: ("pgn",), register.Diploma: ("organisation__code", "record_key"),
           register.DiplomaVersion: ("diploma__record_key", "version"), register.Programme: ("sector", "code"),
           register.Enrolment: ("record_key",), register.Result: ("record_key",), Delivery: ("file_name",)}  # fmt: skip
BATCH_RULES = [
    ({"birth_date": "2031-01-01"}), ({"exam_date": "2099-06-30"}), ({"family_name": ["x"]}),
    ({"pgn": 123456782}), ({"famliy_name": "Jansen"}), ({"family_name": "x" * 201}),
    ({"given_names": "y" * 201}), ({"record_key": "k" * 65}), ({"grades": "not json"}),
    ({"bekostigd": "misschien"}), ({"family_name": "Jan\x00sen"}), ({"programme_code": "P" * 40}),
    ({"gender": "Q"}), ({"pgn_type": "paspoort"}), ({"pgn": synthetic_onderwijsnummer(3), "pgn_type": "bsn"}),
    ({"kind": "l", "sector": "WO"}), ({"vo_profile": "v" * 40}), ({"date_of_issue": ""}),
    ({"kind": "b"}), ({"kind": "a", "ho_degree": "Associate degree", "sector": "WO"}),
    ({"grades": [{"subject_code": "", "subject_name": "x" * 101, "final_grade": "0"}]}),
    ({"grades": [{"subject_code": "NE", "subject_name": "Nl", "final_grade": "NaN"}]}),
    ({"organisation": "ELDERS"}), ({"mbo_level": "x"}), ({"mbo_level": "7"}), ({"mbo_leerweg": "bbx"}),
    ({"family_name": "", "birth_date": "", "gender": "Z", "kind": "z"}), ({"type": "thing"}),
]  # fmt: skip


def _person(n: int, **extra: Any) -> dict[str, Any]:
    return {
        k: vo_record(n)[k] for k in ("pgn", "family_name", "given_names", "gender", "birth_date")
    } | extra


def _enrolment(n: int, key: str, **extra: Any) -> dict[str, Any]:
    return {**_person(n), "type": "enrolment", "record_key": key, "start_date": "2019-08-01",
            "programme_code": "HAVO-NG", **extra}  # fmt: skip


def _result(n: int, key: str, **extra: Any) -> dict[str, Any]:
    return {**_person(n), "type": "result", "record_key": key, "result_type": "subject_exam",
            "result_date": "2025-06-20", "subject_code": "NE", "final_grade": "7.0", **extra}  # fmt: skip


def _withdraw(key: str, date: str = "2025-07-15", code: str = "fraud") -> dict[str, Any]:
    return {"action": "withdraw", "record_key": key, "effective_date": date, "reason": "fraude",
            "reason_code": code}  # fmt: skip


def _batches(school: Any, university: Any) -> list[tuple[Any, list[dict[str, Any]]]]:
    number = synthetic_onderwijsnummer(11)
    first = [
        vo_record(1), vo_record(2), vo_record(3), vo_record(5), vo_record(6, grades=[]),
        vo_record(7, record_key="VO-7a"), vo_record(7, record_key="VO-7b", kind="m", programme_code="VMBO-TL"),
        vo_record(8, pgn=number, pgn_type="onderwijsnummer"), vo_record(9, overige_gegevens={"uitslag": "geslaagd"}),
        *(vo_record(100 + i, **change) for i, (change, _f, _r) in enumerate(RULES)),
        *(vo_record(200 + i, **change) for i, change in enumerate(BATCH_RULES)),
        _enrolment(1, "INS-1"), _enrolment(2, "INS-2", end_date="2025-07-01", end_reason="diploma"),
        _enrolment(3, "INS-3", end_date="2018-01-01"), _enrolment(4, "INS-4", end_reason="r" * 65),
        _enrolment(5, "INS-5", start_date="morgen"), _enrolment(6, "INS-6", programme_code="ONBEKEND"),
        _result(1, "RES-1"), _result(2, "RES-2", result_type="thing"), _result(3, "RES-3", final_grade="12"),
        _result(4, "RES-4", final_grade="6.55", school_exam_grade="6.45"), _result(5, "RES-5", outcome="o" * 40),
        _result(6, "RES-6"),
        _enrolment(300, "INS-300", pgn="123"), _result(301, "RES-301", family_name=""),
        {"record_key": "", "kind": "l"}, {"_error": "line 7 is not valid JSON"},
    ]  # fmt: skip
    second = [
        vo_record(1),  # unchanged
        vo_record(2, vo_profile="NT", programme_code="HAVO-NT", grades=[{"subject_code": "WI", "subject_name":
                   "Wiskunde", "final_grade": "8"}]),  # corrected  # fmt: skip
        vo_record(3, family_name="Anders"),  # unchanged document, identity mismatch (BSN: the BRP's)
        vo_record(8, pgn=number, pgn_type="onderwijsnummer", family_name="Achternaam"),  # the source corrects
        vo_record(9, overige_gegevens={"uitslag": "afgewezen"}),  # corrected
        vo_record(6, grades=[], date_of_issue="2025-06-01"),  # corrected, valid from the earlier date
        _withdraw("VO-00005"), _withdraw("VO-ONBEKEND"), _withdraw("VO-7a", "2020-01-01"),
        _withdraw("VO-7b", code="nonsense"), _withdraw("VO-00006", ""),
        vo_record(2, record_key="VO-7b"),  # another person's key
        vo_record(20), vo_record(21, family_name="Anders"), vo_record(21, record_key="VO-21b", family_name="Anders"),
        _enrolment(1, "INS-1", end_date="2025-07-10"), _enrolment(6, "INS-6", programme_code="ONBEKEND"),
        _enrolment(3, "INS-2", family_name="Anders"), _result(1, "RES-1"), _result(1, "RES-1b", final_grade="8"),
        _result(2, "RES-6", final_grade="5"), _result(4, "RES-4", final_grade="6.6", school_exam_grade="6.4"),
        _enrolment(22, "INS-22"), _result(23, "RES-23", family_name="Ander"), _enrolment(3, "INS-33", family_name="Anders"),
    ]  # fmt: skip
    third = [
        vo_record(5, vo_profile="EM"),  # a withdrawn document cannot be corrected
        _withdraw("VO-00002", "2025-07-12", "misattributed"),
    ]
    fifth = [_withdraw("VO-00005"), _withdraw("VO-00002")]  # withdrawn twice changes nothing
    ho = {"sector": "WO", "programme_code": "56001", "ho_exam_type": "afsluitend", "exam_date": "2025-06-30",
          "date_of_issue": "2025-07-10", "grades": []}  # fmt: skip
    changes = [{"kind": "d", "bekostigd": False}, {"kind": "d", "bekostigd": True},
               {"kind": "a", "ho_exam_type": "propedeuse"}, {"kind": "f", "sector": "HBO"},
               {"kind": "g", "sector": "HBO", "ho_degree": "Bachelor of Science"}, {"kind": "a"},
               {"kind": "a", "exam_date": ""}, {"kind": "a", "ho_exam_type": ""}, {"kind": "a", "sector": ""},
               {"kind": "a", "programme_code": ""}, {"kind": "e"}, {"kind": "a", "date_of_issue": "1990-01-01"}]  # fmt: skip
    fourth = [
        vo_record(400 + i, record_key=f"HO-{i}", **{**ho, **c}) for i, c in enumerate(changes)
    ]
    fourth.append(
        vo_record(1, record_key="HO-V", **{**ho, "kind": "a"})
    )  # a known person, another school
    return [
        (school, first),
        (school, second),
        (school, third),
        (university, fourth),
        (school, fifth),
    ]


def _snapshot(labels: dict[int, str]) -> list[list[str]]:
    """Every row of every table a delivery writes, foreign keys by natural key, ids left out."""
    sources = {f"levering:{pk}": f"levering:{label}" for pk, label in labels.items()}
    tables = []
    for model in MODELS:
        names = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            related = f.related_model
            names += (
                [
                    f"{f.name}__{n}"
                    for n in NATURAL.get(related, ("code",) if related is Organisation else ("pk",))
                ]
                if related
                else [f.name]
            )
        rows = [repr([sources.get(v, v) if isinstance(v, str) else v for v in row])
                for row in model.objects.values_list(*names)]  # fmt: skip
        tables.append(sorted(rows))
    return tables


def _deliver(batches: list[tuple[Any, list[dict[str, Any]]]], chunk: int) -> dict[int, str]:
    labels = {}
    for n, (org, records) in enumerate(batches):
        delivery = pipeline.start(org, channel="file", file_name=f"batch-{n}")
        labels[delivery.pk] = f"batch-{n}"
        assert pipeline.run(delivery, records, chunk_size=chunk).status == "done"
    return labels


def _per_record(todo, organisation, *, recorded_at, source, **_kwargs):  # type: ignore[no-untyped-def]
    return [
        pipeline.process(raw, i, organisation, recorded_at=recorded_at, source=source)
        for i, raw in todo
    ]


def _both(
    monkeypatch: Any, batches: list[tuple[Any, list[dict[str, Any]]]], chunk: int = 500
) -> int:
    with transaction.atomic():
        with monkeypatch.context() as patch:
            patch.setattr(pipeline, "process_chunk", _per_record)
            reference = _snapshot(_deliver(batches, chunk))
        transaction.set_rollback(True)
    assert register.Diploma.objects.count() == 0
    written, real = [], _staging.write_chunk

    def counted(*args: Any, **kwargs: Any) -> dict[str, int]:
        counts = real(*args, **kwargs)
        written.append(counts)  # only chunks the set-based path completed
        return counts

    monkeypatch.setattr(_staging, "write_chunk", counted)
    got = _snapshot(_deliver(batches, chunk))
    for want, have, model in zip(reference, got, MODELS, strict=True):
        assert have == want, model.__name__
    return len(written)


def test_every_action_equals_the_per_record_path(monkeypatch, school, clock):
    university = OrganisationFactory(kind="universiteit", bekostigd=True)
    batches = _batches(school, university)
    assert _both(monkeypatch, batches) == len(batches)  # every chunk went set-based
    outcomes = set(DeliveryRecord.objects.values_list("outcome", flat=True))
    assert outcomes == {"created", "corrected", "unchanged", "withdrawn", "rejected"}
    rules = {
        v["rule"] for r in DeliveryRecord.objects.filter(outcome="rejected") for v in r.violations
    }
    assert {"record_key.other_person", "withdrawn", "unknown", "before_issue", "kind.bekostigd",
            "date.order", "organisation.not_own", "required", "length", "choice", "range"} <= rules  # fmt: skip
    assert register.IdentityMismatch.objects.exists()
    assert register.PersonVersion.objects.filter(change="correction").exists()


def test_small_chunks_and_chunks_that_fall_back_are_equal_too(monkeypatch, school, clock):
    university = OrganisationFactory(kind="universiteit", bekostigd=True)
    batches = _batches(school, university)
    batches[1][1].append(
        vo_record(1, vo_profile="EM")
    )  # the same key twice: that chunk record by record
    assert _both(monkeypatch, batches, chunk=7) > 0


def test_a_merged_person_goes_record_by_record(monkeypatch, school, clock):
    from diplomaregister.register.merge import merge_person

    number, bsn = synthetic_onderwijsnummer(5), synthetic_bsn(5_555)
    pipeline.run(
        pipeline.start(school, channel="api"),
        [vo_record(1, pgn=number, pgn_type="onderwijsnummer")],
    )
    merge_person(number, bsn)
    delivery = pipeline.run(pipeline.start(school, channel="api"),
                            [vo_record(2, pgn=number, pgn_type="onderwijsnummer"), vo_record(3)])  # fmt: skip
    assert delivery.created == 2
    assert register.Diploma.objects.filter(person__pgn=bsn).count() == 2
