"""The law tables are complete and consistent, and the field catalogue names exactly the fields
of the register's models (both directions)."""

import datetime as dt

import pytest
from django.apps import apps

from diplomaregister.law.loaders import (
    CATEGORIES,
    document_kinds,
    field_catalogue,
    legal_terms,
    organisation_kinds,
    sectors,
)
from diplomaregister.register.models import VersionFields

CATALOGUED_MODELS = [
    *apps.get_app_config("register").get_models(),
    apps.get_model("organisations", "Organisation"),
]
VERSION_FIELDS = {f.name for f in VersionFields._meta.get_fields()} | {"id"}


def _model_fields(model):
    return {f.name for f in model._meta.get_fields() if f.concrete}


def _entity_fields(model):
    names = {f.name for f in field_catalogue().for_entity(model._meta.model_name)}
    if issubclass(model, VersionFields):
        names |= {f.name for f in field_catalogue().for_entity("version")}
    return names


@pytest.mark.parametrize("model", CATALOGUED_MODELS, ids=lambda m: m._meta.label)
def test_every_model_field_is_in_the_catalogue(model):
    missing = _model_fields(model) - _entity_fields(model)
    assert not missing, f"{model._meta.label}: fields not in field_catalogue.yaml: {missing}"


@pytest.mark.parametrize("model", CATALOGUED_MODELS, ids=lambda m: m._meta.label)
def test_every_catalogue_field_exists_in_the_model(model):
    extra = _entity_fields(model) - _model_fields(model)
    assert not extra, f"{model._meta.label}: catalogue names fields the model lacks: {extra}"


def test_catalogue_entities_all_belong_to_a_model():
    known = {m._meta.model_name for m in CATALOGUED_MODELS} | {
        "version",
        "diploma_overig",
        "afgeleid",
        "joint_degree_partner",
    }
    assert {f.entity for f in field_catalogue().fields.values()} <= known


def test_catalogue_categories_and_articles():
    for entry in field_catalogue().fields.values():
        assert entry.category in CATEGORIES, entry.key
        if entry.personal:
            assert entry.article, f"{entry.key}: personal data needs the article it comes from"


def test_document_kinds_are_a_to_r_with_the_start_dates_of_art_16():
    kinds = document_kinds()
    assert list(kinds) == list("abcdefghijklmnopqr")
    expected = {
        "a": dt.date(1996, 1, 1), "c": dt.date(2010, 1, 1), "f": dt.date(2007, 1, 1),
        "h": dt.date(2007, 1, 1), "j": dt.date(2007, 1, 1), "l": dt.date(2006, 1, 1),
        "m": dt.date(2012, 1, 1), "n": dt.date(2012, 1, 1), "o": dt.date(2013, 8, 1),
        "p": dt.date(2011, 1, 1), "q": dt.date(2011, 1, 1), "r": dt.date(2007, 1, 1),
        "d": dt.date(2018, 1, 1), "e": dt.date(2018, 1, 1), "g": dt.date(2018, 1, 1),
        "i": dt.date(2012, 1, 1), "k": dt.date(2012, 1, 1),
    }  # fmt: skip
    assert {code: kinds[code].start_date for code in expected} == expected
    assert kinds["b"].start_date is None  # by royal decree, not yet set


def test_awarding_kinds_and_sectors_are_known():
    known_kinds = set(organisation_kinds())
    for kind in document_kinds().values():
        assert set(kind.awarded_by) <= known_kinds, kind.code
        assert set(kind.sectors) <= set(sectors()), kind.code
        assert kind.article.startswith("art. 16 onder")


def test_every_sector_has_a_legal_term():
    assert set(legal_terms()) == set(sectors())
    assert legal_terms()["VO"].days == 14 and not legal_terms()["VO"].assumed
    assert legal_terms()["WO"].days == 61 and not legal_terms()["WO"].assumed
