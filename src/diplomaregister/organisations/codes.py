"""Organisation codes: BRIN (python-stdnum) and the RIO codes of onderwijsaanbieder and bestuur."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import brin

RIO_AANBIEDER = re.compile(r"^\d{3}A\d{3}$")
RIO_BESTUUR = re.compile(r"^\d{3}B\d{3}$")


def validate_brin(value: str) -> None:
    try:
        brin.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            "A BRIN code is 2 digits and 2 letters (e.g. 21PL), optionally with 2 digits "
            "for a location.",
            code="brin",
        ) from exc


def validate_rio_aanbieder(value: str) -> None:
    if not RIO_AANBIEDER.match(value):
        raise ValidationError(
            "A RIO onderwijsaanbieder code has the form 999A999.", code="rio_aanbieder"
        )


def validate_rio_bestuur(value: str) -> None:
    if not RIO_BESTUUR.match(value):
        raise ValidationError("A RIO bestuur code has the form 999B999.", code="rio_bestuur")
