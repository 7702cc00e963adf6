"""law/legal_bases.yaml is complete and consistent with the field catalogue and organisation kinds."""

import pytest

from diplomaregister.law.loaders import (
    BASIS_MODES,
    BASIS_SCOPES,
    REQUESTER_KINDS,
    disclosure_outputs,
    field_catalogue,
    legal_bases,
    organisation_kinds,
)

IDENTIFYING = {"pgn", "family_name", "given_names", "birth_date", "diploma_id"}


def test_every_output_is_a_catalogue_field():
    catalogue = field_catalogue().fields
    missing = {name: key for name, key in disclosure_outputs().items() if key not in catalogue}
    assert not missing


@pytest.mark.parametrize("code", sorted(legal_bases()))
def test_basis_is_well_formed(code):
    basis = legal_bases()[code]
    assert set(basis.fields) <= set(disclosure_outputs()), code
    assert basis.scope in BASIS_SCOPES
    assert set(basis.modes) <= set(BASIS_MODES) and basis.modes
    known = set(organisation_kinds()) | set(REQUESTER_KINDS)
    assert set(basis.recipient_kinds) <= known, code
    assert basis.article and basis.purpose_nl and basis.purpose_en
    if basis.pseudonymised:
        assert not set(basis.fields) & IDENTIFYING, f"{code} is pseudonymised but names identifiers"
    if "aggregate" in basis.modes:
        assert basis.suppress_below and basis.suppress_below >= 10


def test_the_articles_the_issue_names_are_encoded():
    bases = legal_bases()
    for code in ("art47", "art49", "art50", "art51", "art52", "art53_1", "art53_2", "art54_1",
                 "art54_2", "art55", "art56", "art23", "art26", "art28_2"):  # fmt: skip
        assert code in bases
    # pseudonymised by the text of the Besluit: art. 23 lid 3, 26 lid 3, 40, 41, 47, 51, 52
    assert {c for c, b in bases.items() if b.pseudonymised} == {
        "art23", "art26", "art40", "art41", "art47", "art51", "art52",
    }  # fmt: skip
    # art. 54 lid 2 gives art. 17 data only, no identifying data of art. 15
    assert "family_name" not in bases["art54_2"].fields and "grades" in bases["art54_2"].fields
    # art. 50: art. 15 and art. 17 lid 1 and lid 2 onder a and b, not the cijferlijst
    assert "grades" not in bases["art50"].fields and "birth_date" in bases["art50"].fields


def test_the_yes_no_articles_are_bulk_only_one_row_per_person():
    """Art. 40, 41, 51, 52 give "het gegeven of ..." per person, pseudonymised: no look-up by number
    (the recipient could re-identify the person), one row per person, a peildatum."""
    bases = legal_bases()
    for code, answer in [("art40", "ho_enrolled_on_peildatum"), ("art41", "ho_enrolled_on_peildatum"),
                         ("art51", "ho_document_since_1996"), ("art52", "ho_document_since_1996")]:  # fmt: skip
        basis = bases[code]
        assert basis.modes == ("bulk_export",) and basis.population == "persons", code
        assert basis.fields == (answer,) and basis.peildatum == "day", code


def test_the_certain_annex_cells():
    """Read from the flattened annex: law-tagged cells are column 24, the cell before a tagged
    second cell is column 23 (see the comment in legal_bases.yaml)."""
    bases = legal_bases()
    # art. 23: geslacht, postcode, geboorteland, nationaliteit (+ geboorteland ouders, verblijf,
    # verblijfsrecht, not held), and the age on the peildatum of lid 2 - not the birth date
    assert set(bases["art23"].fields) == {"gender", "postcode", "birth_country", "nationality",
                                          "age_on_peildatum"}  # fmt: skip
    assert "birth_date" not in bases["art23"].fields
    art24 = bases["art24"]
    assert art24.field_laws["gender"] == ("WEB", "WEB_BES", "WHW")
    assert art24.field_laws["postcode"] == ("WVO", "WEB", "WEB_BES", "WHW")
    assert "WHW" not in art24.field_laws["birth_date"] and "WPO" in art24.field_laws["birth_date"]
    assert art24.field_laws["birth_country"] == ("WVO", "WVO_BES")
    assert "pgn" in art24.fields  # "het persoonsgebonden nummer en ..."
    assert set(art24.field_laws) == set(art24.fields) - {"pgn"}


def test_withdrawal_reason_only_to_holder_and_awarding_organisation():
    with_reason = {c for c, b in legal_bases().items() if "withdrawal_reason" in b.fields}
    assert with_reason == {"holder", "art53_1", "art53_2", "art54_1"}
    assert {legal_bases()[c].scope for c in with_reason} == {
        "self",
        "own_students",
        "awarded_by_self",
    }


def test_art28_and_art50_are_bound_to_applications():
    bases = legal_bases()
    assert bases["art28_2"].scope == "application"  # not "all"
    assert bases["art50"].scope_for("subscription") == "application"
