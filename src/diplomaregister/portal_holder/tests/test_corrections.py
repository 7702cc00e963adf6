"""The holder's correction requests on the diploma page (issue 14): a confirmation after sending,
the holder's own message with its status in words, an identical open duplicate refused with a
clear message, the typed text kept on a validation error, and a pending badge while a request is
open (on the diploma page and the home page)."""

import pytest

from diplomaregister.portal_holder.tests.conftest import diploma_ids
from diplomaregister.portal_institution.corrections import answer_request
from diplomaregister.portal_institution.models import CorrectionRequest

pytestmark = pytest.mark.django_db
MESSAGE = "Mijn graad staat verkeerd: het is Master of Science."


def _send(client, diploma, message, **extra):
    return client.post(f"/mijn/diploma/{diploma}/correctie/", {"message": message}, **extra)


def test_sending_confirms_and_shows_the_message_with_its_status(logged_in, holder):
    degree = diploma_ids(holder)[1]
    response = _send(logged_in, degree, MESSAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/mijn/diploma/{degree}/?verstuurd=1#correctie"
    nl = logged_in.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Uw correctieverzoek is verstuurd." in nl and 'data-testid="correction-sent"' in nl
    assert MESSAGE in nl and "Status: Open" in nl
    en = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "correction-sent" not in en  # the confirmation only right after sending
    assert MESSAGE in en and "Status: Open" in en and "Sent on" in en
    request = CorrectionRequest.objects.get()
    answer_request(request, status="in_behandeling", answer="We kijken ernaar.", user_id=None)
    en = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Status: Being handled" in en and "We kijken ernaar." in en
    assert "in_behandeling" not in en  # the status in words, not its code
    nl = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Status: In behandeling" in nl


def test_an_identical_open_request_is_refused_with_a_clear_message(logged_in, holder):
    degree = diploma_ids(holder)[1]
    _send(logged_in, degree, MESSAGE)
    again = _send(logged_in, degree, "  " + MESSAGE.upper() + " ", HTTP_ACCEPT_LANGUAGE="nl")
    assert again.status_code == 400
    html = again.content.decode()
    assert "U heeft dit verzoek al verstuurd; de instelling behandelt het nog." in html
    assert CorrectionRequest.objects.count() == 1
    english = _send(logged_in, degree, MESSAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You already sent this request; the institution is still handling it." in english
    # another message, or the same one once the first was answered, is a new request
    assert _send(logged_in, degree, "Ook de datum klopt niet.").status_code == 302
    for request in CorrectionRequest.objects.all():
        answer_request(request, status="afgewezen", answer="Klopt wel.", user_id=None)
    assert _send(logged_in, degree, MESSAGE).status_code == 302
    assert CorrectionRequest.objects.count() == 3


def test_typed_text_is_kept_on_a_validation_error(logged_in, holder):
    degree = diploma_ids(holder)[1]
    response = _send(logged_in, degree, "Fout", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    html = response.content.decode()
    assert ">Fout</textarea>" in html and 'aria-invalid="true"' in html
    assert "Beschrijf in 5 tot 2000 tekens wat er niet klopt." in html
    long = "x" * 2001
    html = _send(logged_in, degree, long, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f">{long}</textarea>" in html and "Describe what is wrong in 5 to 2000" in html
    assert not CorrectionRequest.objects.exists()


def test_pending_badge_while_a_request_is_open(logged_in, holder):
    school, degree = diploma_ids(holder)
    page = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "pending-badge" not in page
    _send(logged_in, degree, MESSAGE)
    page = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Correctieverzoek in behandeling" in page and "pending-badge" in page
    other = logged_in.get(f"/mijn/diploma/{school}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Correction request pending" not in other
    home = logged_in.get("/mijn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert home.count("Correction request pending") == 1
    answer_request(CorrectionRequest.objects.get(), status="gecorrigeerd", answer="Aangepast.",
                   user_id=None)  # fmt: skip
    page = logged_in.get(f"/mijn/diploma/{degree}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pending-badge" not in page and "Status: Corrected" in page and "Aangepast." in page
    assert "Correction request pending" not in logged_in.get("/mijn/").content.decode()
