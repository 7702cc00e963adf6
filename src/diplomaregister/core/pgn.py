"""Persoonsgebonden nummer (personal number): a BSN or an onderwijsnummer.

The register identifies every onderwijsdeelnemer by this number (Wet register onderwijsdeelnemers;
art. 22 lid 1 Besluit: delivered "met het persoonsgebonden nummer"). The check digits are verified
with python-stdnum: the BSN by the 11-proef, the onderwijsnummer by its own rule (starts with "10",
weighted sum modulo 11 equals 5). Error messages never repeat the number itself (no personal data in
error texts or logs).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.nl import bsn, onderwijsnummer


class PgnType(StrEnum):
    BSN = "bsn"
    ONDERWIJSNUMMER = "onderwijsnummer"


class InvalidPgn(ValueError):
    """The number is not a valid BSN or onderwijsnummer. ``rule`` names the failed check."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class Pgn:
    number: str
    type: PgnType


_MESSAGES = {
    InvalidLength: ("pgn.length", "must have 9 digits"),
    InvalidFormat: ("pgn.format", "must consist of digits only"),
    InvalidChecksum: ("pgn.checksum", "check digit is wrong"),
}


def _explain(exc: ValidationError, kind: str) -> InvalidPgn:
    rule, text = _MESSAGES.get(type(exc), ("pgn.invalid", "is not valid"))
    return InvalidPgn(rule, f"The {kind} {text}.")


def parse_pgn(value: str, expected: PgnType | None = None) -> Pgn:
    """Validate and normalise a persoonsgebonden nummer; raise :class:`InvalidPgn` when wrong.

    Without ``expected`` the type is inferred: an onderwijsnummer starts with "10" and passes the
    onderwijsnummer check (remainder 5); any other number must pass the BSN 11-proef.
    """
    number = "".join(ch for ch in str(value or "") if ch not in " .-")
    if not number:
        raise InvalidPgn("pgn.required", "The persoonsgebonden nummer is required.")
    if not number.isdigit():
        raise InvalidPgn("pgn.format", "The persoonsgebonden nummer must consist of digits only.")
    if len(number) not in (8, 9):
        raise InvalidPgn("pgn.length", "The persoonsgebonden nummer must have 9 digits.")
    if expected is None:
        expected = (
            PgnType.ONDERWIJSNUMMER
            if number.startswith("10") and onderwijsnummer.is_valid(number)
            else PgnType.BSN
        )
    try:
        if expected is PgnType.ONDERWIJSNUMMER:
            if not number.startswith("10") and number.isdigit() and len(number) == 9:
                raise InvalidPgn(
                    "pgn.onderwijsnummer_prefix", "An onderwijsnummer must start with 10."
                )
            onderwijsnummer.validate(number)
        else:
            if number.isdigit() and len(number) == 8:
                number = "0" + number  # BSNs may be written without the leading zero
            bsn.validate(number)
    except ValidationError as exc:
        label = "BSN" if expected is PgnType.BSN else "onderwijsnummer"
        raise _explain(exc, label) from None
    return Pgn(number, expected)


def mask(number: str) -> str:
    """A form that may appear in operator screens: only the last 3 digits are shown."""
    return "******" + number[-3:] if number else ""


def _digits_with_check(prefix8: str, remainder: int) -> str | None:
    """Append the 9th digit so that the 11-proef weighted sum modulo 11 equals ``remainder``."""
    total = sum((9 - i) * int(d) for i, d in enumerate(prefix8))
    for last in range(10):
        if (total - last) % 11 == remainder:
            return prefix8 + str(last)
    return None


def synthetic_bsn(seed: int) -> str:
    """A valid BSN derived from ``seed`` (demo data and tests), unique for seeds below 10 million.

    The 8 digits before the check digit are a leading digit and the seed; where "9" + seed has no
    valid check digit, the leading digits 8, 7, ... are tried. A given (leading digit, seed) pair is
    only ever produced by that one seed, so different seeds never share a number.
    """
    body = f"{seed % 10_000_000:07d}"
    for lead in "987654321":
        number = _digits_with_check(lead + body, 0)
        if number is not None:
            return number
    raise AssertionError("unreachable: some leading digit always gives a valid check digit")


def synthetic_onderwijsnummer(seed: int) -> str:
    """A valid onderwijsnummer derived from ``seed`` (not unique across seeds; callers dedupe)."""
    for offset in range(11):
        number = _digits_with_check(f"10{(seed + offset) % 1_000_000:06d}", 5)
        if number is not None:
            return number
    raise AssertionError("unreachable")
