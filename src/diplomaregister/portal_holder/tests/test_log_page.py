"""The holder's log page in words: who, why (with the article), what (fields in words, grouped),
when, how; filters, pages, a CSV of one's own log."""

import csv
import io

import pytest

from diplomaregister.law.loaders import disclosure_labels, legal_bases
from diplomaregister.organisations.factories import OrganisationFactory
from diplomaregister.verstrekking.engine import Requester, disclose

pytestmark = pytest.mark.django_db

INTERNAL = ("family_name", "birth_date", "organisation_name", "date_of_issue", "art56", "api")


def _lookup(org, person, basis="art56"):
    return disclose(requester=Requester(kind="organisation", organisation=org, label=org.name),
                    basis=basis, subject=person.pgn, channel="api")  # fmt: skip


def test_every_output_and_channel_has_words():
    labels = disclosure_labels()
    outputs = {f for b in legal_bases().values() for f in b.fields} | {"pseudonym"}
    assert outputs <= set(labels["fields"])
    for channel in ("api", "institution_portal", "feed", "webhook", "export", "aggregate", "share",
                    "portal", "web", "cli"):  # fmt: skip
        assert channel in labels["channels"]
    assert all(f.group in labels["groups"] for f in labels["fields"].values())


def test_each_row_in_words(logged_in, holder):
    uwv = OrganisationFactory(kind="uwv", brin="", code="UWV1",
                              name="Uitvoeringsinstituut werknemersverzekeringen")  # fmt: skip
    _lookup(uwv, holder)
    page = logged_in.get("/mijn/inzage-log/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    row = page[page.index('class="log-list"') :]
    assert "Uitvoeringsinstituut werknemersverzekeringen" in row
    assert legal_bases()["art56"].purpose_nl in row  # why, in plain language
    assert 'href="/mijn/grondslag/art56/"' in row and "art. 56" in row  # the article, linked
    assert "Uw persoonsgegevens:" in row and "achternaam" in row and "geboortedatum" in row
    assert "opvraging via de koppeling" in row
    for name in INTERNAL:
        assert f">{name}<" not in row and f" {name}," not in row
    english = logged_in.get("/mijn/inzage-log/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "surname" in english and "look-up through the system link" in english


def test_filter_by_recipient_and_period(logged_in, holder):
    uwv = OrganisationFactory(kind="uwv", brin="", code="UWV2", name="UWV")
    szw = OrganisationFactory(kind="minister_szw", brin="", code="SZW2", name="Ministerie SZW")
    _lookup(uwv, holder)
    _lookup(szw, holder, basis="art49")
    only = logged_in.get("/mijn/inzage-log/?ontvanger=SZW2").content.decode()
    listed = only[only.index('class="log-list"') :]
    assert "Ministerie SZW" in listed and "UWV" not in listed
    empty = logged_in.get("/mijn/inzage-log/?vanaf=2999-01-01").content.decode()
    assert 'class="log-list"' not in empty


def test_pages_of_25_without_counting_the_log(logged_in, holder):
    uwv = OrganisationFactory(kind="uwv", brin="", code="UWV3", name="UWV")
    for _ in range(30):
        _lookup(uwv, holder)
    first = logged_in.get("/mijn/inzage-log/").content.decode()
    assert first.count('class="log-row"') == 25
    listed = first[first.index('class="log-list"') :]
    older = listed[listed.index("?voor=") :].split('"')[0].replace("&amp;", "&")
    second = logged_in.get(f"/mijn/inzage-log/{older}").content.decode()
    rest = second[second.index('class="log-list"') :]
    assert second.count('class="log-row"') == 5 and "?voor=" not in rest


def test_csv_of_ones_own_log(logged_in, holder, other):
    uwv = OrganisationFactory(kind="uwv", brin="", code="UWV4", name="UWV")
    _lookup(uwv, holder)
    _lookup(uwv, other)
    _lookup(uwv, other)
    response = logged_in.get("/mijn/inzage-log/?formaat=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert lines[0][:3] == ["datum", "ontvanger", "soort"] and len(lines) == 2  # one row: mine
    assert lines[1][1] == "UWV" and "achternaam" in lines[1][5]


def test_the_article_page_says_what_it_allows(logged_in):
    page = logged_in.get("/mijn/grondslag/art50/").content.decode()
    assert (
        "art. 50" in page and "achternaam" in page and "cijferlijst" not in page
    )  # 17 lid 2 a-b only
    assert logged_in.get("/mijn/grondslag/nope/").status_code == 404
