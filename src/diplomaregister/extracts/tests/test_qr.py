"""extracts.qr makes the symbol segno makes (segno.make_qr with error level M and mask 4) for
verification addresses and for any other text: its per-version placement, zero symbol and mask
are segno's own, so a wrong bit order, a missing format or version area, or a stale layout for
another length would show as a differing module."""

import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from diplomaregister.extracts import qr
from diplomaregister.extracts.codes import new_code
from diplomaregister.extracts.services import verify_url


def _segno(text: str) -> list[bytes]:
    return [bytes(row) for row in segno.make_qr(text, error="m", mask=qr.MASK).matrix]


def test_verification_addresses_give_segnos_symbol(settings):
    for public in ("http://localhost:8000", "https://diplomaregister.example.nl"):
        settings.EXTRACT_PUBLIC_URL = public
        for _ in range(50):
            url = verify_url(new_code())
            assert [bytes(row) for row in qr.matrix(url)] == _segno(url)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_gives_segnos_symbol(text):
    assert [bytes(row) for row in qr.matrix(text)] == _segno(text)


def test_versions_with_version_information_give_segnos_symbol():
    # from version 7 on a symbol carries version information blocks; 2 to 6 have remainder bits
    for length in (20, 60, 140, 300, 700):
        text = "x" * length
        assert [bytes(row) for row in qr.matrix(text)] == _segno(text)
