"""verify_extract and the verification service: forged, changed, withdrawn and corrected extracts."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from diplomaregister.extracts import signing, verification
from diplomaregister.extracts.models import Extract
from diplomaregister.extracts.rendering import render_pdf
from diplomaregister.extracts.services import make_extract
from diplomaregister.register import services
from diplomaregister.register.factories import DiplomaDataFactory, PersonDataFactory

pytestmark = pytest.mark.django_db


def run_verify(tmp_path, pdf: bytes) -> tuple[int, str]:
    path = tmp_path / "extract.pdf"
    path.write_bytes(pdf)
    out = StringIO()
    try:
        call_command("verify_extract", str(path), stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_untouched_extract_is_valid(holder, tmp_path):
    person, vo, wo = holder
    extract = make_extract(person)
    code, output = run_verify(tmp_path, extract.pdf_bytes)
    assert code == 0, output
    assert "signature: valid" in output and output.strip().endswith("VALID")
    stored = Extract.objects.get()
    assert stored.diploma_versions() == {vo.pk: 1, wo.pk: 1}
    assert extract.code.replace("-", "") not in str(stored.__dict__)  # only its keyed hash


def test_one_changed_byte_makes_the_extract_invalid(holder, tmp_path):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    forged = pdf.replace(b"Anna Maria Jansen", b"Anne Maria Jansen", 1)
    assert sum(a != b for a, b in zip(pdf, forged, strict=True)) == 1  # exactly one byte
    code, output = run_verify(tmp_path, forged)
    assert code == 1
    assert "signature: modified" in output and "INVALID" in output
    # Also a byte flipped anywhere in the signed ranges, e.g. in the grade table
    index = pdf.index(b"(7,0)")
    flipped = pdf[:index] + b"(9,0)" + pdf[index + 5 :]
    assert verification.verify_file(flipped).signature == verification.MODIFIED


def test_extract_resigned_with_another_key_is_invalid(holder, holder_content, tmp_path, other_pki):
    person, _, _ = holder
    content = holder_content(person)
    forged_content = type(content)(**{**content.__dict__, "family_name": "Bakker"})
    unsigned = render_pdf(
        forged_content,
        code="A" * 20,
        verify_url="https://example/verifieren/x",
        language="nl",
        today=dt.date(2024, 3, 5),
    )
    config = signing.SigningConfig(
        pkcs12=str(other_pki.signing_p12),
        pkcs12_password=other_pki.password,
        pkcs11_module="",
        pkcs11_token_label="",
        pkcs11_pin="",
        pkcs11_key_label="",
        trust_root=str(other_pki.root_cert),
    )
    forged = signing.sign_pdf(unsigned, config)
    code, output = run_verify(tmp_path, forged)
    assert code == 1
    assert "signature: untrusted" in output and "Forger extract signing" in output


def test_genuine_extract_countersigned_afterwards_is_invalid(holder, other_pki):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    config = signing.SigningConfig(
        str(other_pki.signing_p12), other_pki.password, "", "", "", "", str(other_pki.root_cert)
    )
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    out = BytesIO()
    meta = signers.PdfSignatureMetadata(field_name="Second")
    signers.PdfSigner(meta, signer=signing._load_signer(config)).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), output=out
    )
    result = verification.verify_file(out.getvalue())
    assert not result.valid
    assert result.signature == verification.NOT_SIGNED


def test_unsigned_and_garbage_files_are_invalid(holder, holder_content, tmp_path):
    person, _, _ = holder
    unsigned = render_pdf(
        holder_content(person), code="A" * 20, verify_url="x", language="en", today=dt.date.today()
    )
    assert run_verify(tmp_path, unsigned)[0] == 1
    assert verification.verify_file(unsigned).signature == verification.NOT_SIGNED
    assert verification.verify_file(b"not a pdf").signature == verification.UNREADABLE


def test_withdrawn_after_download_is_reported_with_its_date(holder, tmp_path, clock):
    person, vo, wo = holder
    pdf = make_extract(person).pdf_bytes
    clock.shift(dt.timedelta(days=30))
    services.withdraw_diploma(wo, effective_date=dt.date(2024, 3, 20), reason="fraude")
    code, output = run_verify(tmp_path, pdf)
    assert code == 1
    assert "signature: valid" in output
    assert f"diploma {wo.pk}: signature valid, diploma withdrawn on 2024-03-20" in output
    assert f"diploma {vo.pk}: unchanged" in output
    result = verification.verify_file(pdf)
    assert result.signature_ok and not result.valid
    withdrawn = next(c for c in result.checks if c.diploma_id == wo.pk)
    assert (withdrawn.status, withdrawn.since) == (verification.WITHDRAWN, dt.date(2024, 3, 20))


def test_corrected_after_download_is_reported_with_its_date(holder, clock):
    person, vo, _ = holder
    pdf = make_extract(person).pdf_bytes
    clock.shift(dt.timedelta(days=10))
    services.record_diploma(
        PersonDataFactory(pgn=person.pgn, family_name="Jansen", given_names="Anna Maria"),
        DiplomaDataFactory(record_key=vo.record_key, vo_profile="NT"),
        organisation=vo.organisation,
    )
    result = verification.verify_file(pdf)
    check = next(c for c in result.checks if c.diploma_id == vo.pk)
    assert (check.status, check.since) == (verification.CORRECTED, dt.date(2024, 3, 15))
    assert not result.valid


def test_extract_of_selected_diplomas_only(holder):
    person, vo, wo = holder
    extract = make_extract(person, diplomas=[wo], language="en")
    assert extract.extract.diploma_versions() == {wo.pk: 1}
    assert b"Universiteit Testdam" in extract.pdf_bytes
    assert b"Stedelijk Gymnasium" not in extract.pdf_bytes
    assert b"Extract from the Dutch Diploma Register" in extract.pdf_bytes


def test_someone_elses_diploma_cannot_be_put_on_an_extract(holder):
    person, vo, _ = holder
    other = services.record_diploma(
        PersonDataFactory(),
        DiplomaDataFactory(),
        organisation=vo.organisation,
        recorded_at=timezone.now(),
    )
    with pytest.raises(LookupError):
        make_extract(person, diplomas=[other.diploma])
    assert not Extract.objects.exists()


def test_extract_shows_holder_grades_kind_and_qr_target(holder):
    person, _, _ = holder
    extract = make_extract(person)
    pdf = extract.pdf_bytes
    for text in (b"Anna Maria Jansen", b"17-05-2001", b"05-03-2024", b"art. 16 onder l"):
        assert text in pdf
    assert b"Diploma en cijferlijst voortgezet onderwijs" in pdf
    assert b"(Eindcijfer)" in pdf and b"(7,0)" in pdf  # the cijferlijst
    assert extract.code.encode() in pdf  # printed for typing
    assert len(extract.code.replace("-", "")) == 20


def test_make_extract_command(holder, tmp_path):
    person, _, _ = holder
    out = StringIO()
    path = tmp_path / "x.pdf"
    call_command(
        "make_extract", "--pgn", person.pgn, "--out", str(path), "--lang", "en", stdout=out
    )
    assert "2 diploma(s)" in out.getvalue()
    assert verification.verify_file(path.read_bytes()).valid


def test_download_response_and_extract_listing(holder):
    from diplomaregister.extracts.selectors import extracts_of, pdf_response

    person, _, _ = holder
    first = make_extract(person)
    second = make_extract(person, language="en")
    response = pdf_response(second)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="extract-20240305-')
    assert response["Cache-Control"] == "no-store"
    assert response.content == second.pdf_bytes
    assert list(extracts_of(person)) == [second.extract, first.extract]


def test_holder_shown_is_the_registers_current_identity(holder, clock):
    person, vo, _ = holder
    pdf = make_extract(person).pdf_bytes
    clock.shift(dt.timedelta(days=2))
    from diplomaregister.register import brp

    applied = brp.apply({"bsn": person.pgn, "kind": "name", "family_name": "Jansen-de Vries",
                         "given_names": "Anna Maria", "valid_from": "2024-03-06"})  # fmt: skip
    assert applied.outcome == "applied", applied.violations
    result = verification.verify_file(pdf)
    assert result.holder_name == "Anna Maria Jansen-de Vries"
    assert result.holder_birth_date == dt.date(2001, 5, 17)
    assert Extract.objects.get().person_version is None  # the engine gives no identity version


def test_verify_extract_on_a_missing_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("verify_extract", str(tmp_path / "missing.pdf"))


def test_signed_but_unknown_extract_is_not_valid(holder, tmp_path):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    Extract.objects.all().delete()  # e.g. a file from another environment's database
    code, output = run_verify(tmp_path, pdf)
    assert code == 1
    assert "signature: valid" in output and "not issued by this register" in output
