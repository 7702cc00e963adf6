"""/verifieren/: upload or code, in Dutch and English, rate-limited, CSRF, no enumeration."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from diplomaregister.extracts import signing
from diplomaregister.extracts.codes import new_code
from diplomaregister.extracts.rendering import render_pdf
from diplomaregister.extracts.services import make_extract
from diplomaregister.register import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def upload(client, pdf: bytes, **extra):
    file = SimpleUploadedFile("extract.pdf", pdf, content_type="application/pdf")
    return client.post(reverse("verify:home"), {"extract": file}, **extra)


def body(response) -> str:
    return response.content.decode()


def test_form_page_is_public_with_csrf_and_both_ways_in(client):
    response = client.get("/verifieren/")
    assert response.status_code == 200
    html = body(response)
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="file"' in html and 'name="code"' in html
    assert "utrecht-form-field" in html and "Uittreksel controleren" in html
    english = client.get("/verifieren/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Verify an extract" in body(english)


def test_upload_of_untouched_extract_is_valid(client, holder):
    person, _, _ = holder
    response = upload(client, make_extract(person).pdf_bytes)
    html = body(response)
    assert response.status_code == 200
    assert "Geldig: het uittreksel is echt en de gegevens kloppen nog." in html
    assert "Anna Maria Jansen" in html and "Universiteit Testdam" in html


def test_upload_with_one_changed_byte_is_invalid(client, holder):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes.replace(b"Anna Maria", b"Anne Maria", 1)
    html = body(upload(client, pdf, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Invalid: the file was changed after it was signed." in html
    assert "Anne Maria" not in html and "Anna Maria" not in html  # nothing disclosed


def test_upload_signed_with_another_key_is_invalid(client, holder, holder_content, other_pki):
    person, _, _ = holder
    unsigned = render_pdf(
        holder_content(person), code=new_code(), verify_url="x", language="nl",
        today=dt.date(2024, 3, 5),
    )  # fmt: skip
    config = signing.SigningConfig(
        str(other_pki.signing_p12), other_pki.password, "", "", "", "", str(other_pki.root_cert)
    )
    html = body(upload(client, signing.sign_pdf(unsigned, config)))
    assert "Ongeldig: niet ondertekend door het Diplomaregister." in html
    assert "Geldig:" not in html


def test_withdrawn_after_download_is_shown_with_date(client, holder, clock):
    person, _, wo = holder
    extract = make_extract(person)
    clock.shift(dt.timedelta(days=30))
    services.withdraw_diploma(wo, effective_date=dt.date(2024, 3, 20), reason="fraude")
    html = body(upload(client, extract.pdf_bytes))
    assert "Handtekening geldig, diploma ingetrokken op 20-03-2024" in html
    assert "utrecht-alert--warning" in html
    html_en = body(upload(client, extract.pdf_bytes, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Signature valid, diploma withdrawn on 2024-03-20" in html_en
    by_code = body(client.get(f"/verifieren/{extract.code}"))
    assert "Diploma ingetrokken op 20-03-2024" in by_code


def test_code_from_the_qr_code_and_typed_variants_find_the_extract(client, holder):
    person, _, _ = holder
    extract = make_extract(person)
    url = signing_url = f"https://diplomaregister.example/verifieren/{extract.code}"
    assert url.encode() in extract.pdf_bytes and signing_url
    response = client.get(f"/verifieren/{extract.code}")
    assert response.status_code == 200
    assert "Anna Maria Jansen" in body(response)
    assert response["Referrer-Policy"] == "same-origin"  # code kept from other sites, CSRF works
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    typed = extract.code.replace("-", " ").lower()
    assert "Anna Maria Jansen" in body(client.post("/verifieren/", {"code": typed}))


def _normalised(response) -> tuple[int, str]:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body(response))
    html = re.sub(r'name="next" type="hidden" value="[^"]+"', "", html)  # language switch
    return response.status_code, html


def test_unknown_and_malformed_codes_get_the_same_answer(client, holder):
    person, _, _ = holder
    make_extract(person)
    unknown = _normalised(client.get(f"/verifieren/{new_code()}"))
    malformed = _normalised(client.get("/verifieren/abc"))
    posted = _normalised(client.post("/verifieren/", {"code": new_code()}))
    assert unknown == malformed == posted
    assert "Geen uittreksel gevonden" in unknown[1]
    assert "Anna Maria Jansen" not in unknown[1]


def test_verification_is_rate_limited_per_client_address(client, holder, settings):
    settings.EXTRACT_VERIFY_RATE = "3/minute"
    for _ in range(3):
        assert client.get(f"/verifieren/{new_code()}").status_code == 200
    refused = client.get(f"/verifieren/{new_code()}")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert "Te veel pogingen" in body(refused)
    assert client.post("/verifieren/", {"code": new_code()}).status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(f"/verifieren/{new_code()}").status_code == 200


def test_upload_form_requires_csrf_token(holder):
    person, _, _ = holder
    strict = Client(enforce_csrf_checks=True)
    response = upload(strict, make_extract(person).pdf_bytes)
    assert response.status_code == 403


def test_empty_post_gets_a_clear_error(client):
    response = client.post("/verifieren/", {})
    assert response.status_code == 400
    assert "Kies een bestand of typ een code." in body(response)


def test_oversized_upload_is_refused_before_parsing(client, settings):
    from diplomaregister.extracts import views

    big = b"%PDF-1.4\n" + b"0" * (views.MAX_UPLOAD_BYTES + 70000)
    response = upload(client, big)
    assert response.status_code == 413
    assert "te groot" in body(response)
