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
    # pseudonymised by the text of the Besluit: art. 23 lid 3, 26 lid 3, 47, 51, 52
    assert {c for c, b in bases.items() if b.pseudonymised} == {
        "art23",
        "art26",
        "art47",
        "art51",
        "art52",
    }
    # art. 54 lid 2 gives art. 17 data only, no identifying data of art. 15
    assert "family_name" not in bases["art54_2"].fields and "grades" in bases["art54_2"].fields
    # art. 50: art. 15 and art. 17 lid 1 and lid 2 onder a and b, not the cijferlijst
    assert "grades" not in bases["art50"].fields and "birth_date" in bases["art50"].fields
