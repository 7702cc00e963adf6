"""Factories for register inputs and records (tests and benchmarks)."""

import datetime as dt
from decimal import Decimal

import factory

from diplomaregister.core.pgn import synthetic_bsn
from diplomaregister.register.inputs import DiplomaData, GradeData, PersonData


class PersonDataFactory(factory.Factory):
    class Meta:
        model = PersonData

    pgn = factory.Sequence(lambda n: synthetic_bsn(n + 1000))
    family_name = factory.Iterator(["Jansen", "de Vries", "van den Berg", "Bakker", "Yılmaz"])
    given_names = factory.Iterator(["Anna Maria", "Daan", "Fatima", "Sem", "Lotte"])
    gender = factory.Iterator(["V", "M", "V", "M", "X"])
    birth_date = dt.date(2001, 5, 17)


class GradeDataFactory(factory.Factory):
    class Meta:
        model = GradeData

    subject_code = factory.Iterator(["NE", "EN", "WISB", "NAT"])
    subject_name = factory.Iterator(["Nederlands", "Engels", "Wiskunde B", "Natuurkunde"])
    school_exam_grade = Decimal("6.8")
    central_exam_grade = Decimal("6.4")
    final_grade = Decimal("7.0")


class DiplomaDataFactory(factory.Factory):
    """Defaults: a VO (kind l) havo diploma with two grades."""

    class Meta:
        model = DiplomaData

    record_key = factory.Sequence(lambda n: f"DIP-{n:06d}")
    kind = "l"
    date_of_issue = dt.date(2019, 7, 10)
    programme_code = "HAVO-NG"
    vo_profile = "NG"
    grades = factory.LazyFunction(lambda: GradeDataFactory.build_batch(2))

    class Params:
        ho = factory.Trait(
            kind="a",
            sector="WO",
            programme_code="56604",
            vo_profile="",
            ho_degree="Master of Science",
            ho_exam_type="afsluitend",
            exam_date=dt.date(2019, 6, 28),
            grades=factory.LazyFunction(list),
        )
        mbo = factory.Trait(
            kind="h",
            programme_code="25187",
            vo_profile="",
            mbo_level=4,
            mbo_leerweg="bol",
            grades=factory.LazyFunction(list),
        )
        staatsexamen = factory.Trait(kind="p", programme_code="VWO-NT", vo_profile="NT")
