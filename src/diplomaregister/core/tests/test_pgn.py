import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.nl import bsn, onderwijsnummer

from diplomaregister.core.pgn import (
    InvalidPgn,
    PgnType,
    parse_pgn,
    synthetic_bsn,
    synthetic_onderwijsnummer,
)


def test_valid_bsn_is_accepted_and_typed():
    number = synthetic_bsn(42)
    assert parse_pgn(number) == parse_pgn(number, PgnType.BSN)
    assert parse_pgn(number).type is PgnType.BSN


def test_bsn_with_wrong_check_digit_is_refused_with_clear_message():
    number = synthetic_bsn(42)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn(wrong, PgnType.BSN)
    assert exc.value.rule == "pgn.checksum"
    assert "BSN" in exc.value.message and "check digit" in exc.value.message
    assert wrong not in exc.value.message  # no personal data in error texts


def test_bsn_too_short_is_refused():
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn("1234567")
    assert exc.value.rule == "pgn.length"


def test_letters_are_refused():
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn("12345678A")
    assert exc.value.rule == "pgn.format"


def test_onderwijsnummer_is_recognised():
    number = synthetic_onderwijsnummer(7)
    assert parse_pgn(number).type is PgnType.ONDERWIJSNUMMER


def test_onderwijsnummer_with_wrong_check_is_refused():
    number = synthetic_onderwijsnummer(7)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn(wrong, PgnType.ONDERWIJSNUMMER)
    assert exc.value.rule == "pgn.checksum"
    assert "onderwijsnummer" in exc.value.message


def test_onderwijsnummer_must_start_with_10():
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn(synthetic_bsn(3), PgnType.ONDERWIJSNUMMER)
    assert exc.value.rule in {"pgn.onderwijsnummer_prefix", "pgn.checksum"}


def test_empty_is_required():
    with pytest.raises(InvalidPgn) as exc:
        parse_pgn("")
    assert exc.value.rule == "pgn.required"


@given(st.integers(min_value=0, max_value=10**9))
def test_synthetic_numbers_pass_stdnum(seed):
    assert bsn.is_valid(synthetic_bsn(seed))
    assert onderwijsnummer.is_valid(synthetic_onderwijsnummer(seed))
