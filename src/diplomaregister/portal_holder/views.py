"""Mijn diploma's: the holder's own documents, extracts, share links and disclosure log.

Every page reads the register through the disclosure engine (basis ``holder``, AVG art. 15), so the
holder's own views are logged like anyone else's. Views get the holder's persoonsgebonden nummer
from the DigiD session, never a register row. Ids in URLs are always checked against what the
engine returns for the logged-in holder: another person's id gives 404.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diplomaregister.extracts.selectors import pdf_response
from diplomaregister.extracts.services import make_extract
from diplomaregister.law.loaders import legal_bases, sectors
from diplomaregister.portal_holder import diploma_page
from diplomaregister.portal_holder import disclosure_log as log_page
from diplomaregister.portal_holder.auth import HOLDER_PGN
from diplomaregister.portal_holder.forms import CorrectionForm
from diplomaregister.portal_institution.corrections import (
    OPEN,
    CorrectionError,
    DuplicateRequest,
    pending_documents,
    requests_of_holder,
    submit_request,
)
from diplomaregister.register.models import Diploma
from diplomaregister.verstrekking import naming
from diplomaregister.verstrekking.engine import (
    Disclosure,
    NotDisclosed,
    Requester,
    disclose,
    numbers_of,
)

View = Callable[..., HttpResponse]


def holder_view(view: View) -> View:
    """Login with DigiD required; the view gets the holder's persoonsgebonden nummer. Never
    cached."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pgn = request.session.get(HOLDER_PGN)
        if not pgn:  # an operator session, or the DigiD session ended: log in again
            logout(request)
            return redirect(f"/digid/login/?next={request.path}")
        return view(request, pgn, *args, **kwargs)

    return wrapper


# What naming.named / naming.institutions read to name a diploma besides programme and kind.
NAMING_FIELDS = ("ho_degree", "ho_exam_type", "mbo_level", "degree", "degree_addition", "judicium",
                 "awarding_organisations")  # fmt: skip
# What each page shows (its template); the engine returns and logs exactly these fields.
HOME_FIELDS = ("given_names", "family_name", "birth_date", "diploma_id", "kind", "sector",
               "organisation_name", "date_of_issue", "status", "corrected", *NAMING_FIELDS)  # fmt: skip
DIPLOMA_FIELDS = ("diploma_id", "kind", "sector", "organisation_name", "programme_code",
                  "date_of_issue", "exam_date", "ho_degree", "ho_exam_type", "mbo_level",
                  "mbo_leerweg", "vo_profile", "vo_leerweg", "grades", "status", "corrected",
                  "withdrawal_reason")  # fmt: skip


def _programme_field() -> str:
    return "programme_name_en" if (get_language() or "nl").startswith("en") else "programme_name"


def _disclose(
    request: HttpRequest, pgn: str, fields: tuple[str, ...], diploma_ids: list[int] | None = None
) -> Disclosure | None:
    """The holder's own data, or None when the register holds none for this number."""
    try:
        return disclose(
            requester=Requester(kind="holder", label="Mijn diploma's", user_id=request.user.pk),
            basis="holder",
            subject=pgn,
            channel="portal",
            diploma_ids=diploma_ids,
            fields=fields,
        )
    except NotDisclosed:
        return None


def labelled(record: dict[str, Any]) -> dict[str, Any]:
    """Add what a person reads (verstrekking.naming, in the page's language): the diploma named as
    people know it ("Master of Science Computer Science, cum laude") with the legal category as a
    second line, the awarding institution(s), names of kind and sector, coded values in words
    (law/disclosure_labels.yaml), and whether it is earned but not yet awarded."""
    language = naming.lang(get_language())
    sector = sectors().get(record.get("sector", ""), {})
    return {
        **record,
        "kind_name": naming.kind_name(record, language),
        "sector_name": sector.get(f"name_{language}", record.get("sector", "")),
        "programme": naming.programme(record, language),
        "title": naming.title(record, language),
        "name": naming.named(record, language),
        "degree_words": naming.degree(record, language),
        "institutions": naming.institutions(record, language),
        "earned": record.get("status") == "earned",
        "profile_words": naming.profile(record, language),
        "exam_words": naming.value_words("ho_exam_type", record.get("ho_exam_type"), language),
        "mbo_leerweg_words": naming.value_words("mbo_leerweg", record.get("mbo_leerweg"), language),
        "vo_leerweg_words": naming.value_words("vo_leerweg", record.get("vo_leerweg"), language),
    }


def _grouped(
    records: list[dict[str, Any]],
) -> list[tuple[str, list[tuple[int, list[dict[str, Any]]]]]]:
    """Sector by sector in the order of the law tables (PO, VO, ... WO, staatsexamen,
    inburgering), newest year first."""
    order = list(sectors())
    by_sector: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for record in map(labelled, records):
        names[record["sector"]] = record["sector_name"]
        by_sector[record["sector"]][record["date_of_issue"].year].append(record)
    ranked = sorted(by_sector, key=lambda s: order.index(s) if s in order else len(order))
    return [(names[s], sorted(by_sector[s].items(), reverse=True)) for s in ranked]


@holder_view
def home(request: HttpRequest, pgn: str) -> HttpResponse:
    disclosure = _disclose(request, pgn, (*HOME_FIELDS, _programme_field()))
    if disclosure is None:
        return render(request, "portal_holder/unknown.html")
    # documents with a correction request not answered yet
    pending = pending_documents(disclosure.person) if disclosure.person is not None else set()
    return render(
        request,
        "portal_holder/home.html",
        {"subject": disclosure.subject, "groups": _grouped(disclosure.records), "pending": pending},
    )


@holder_view
def diploma(request: HttpRequest, pgn: str, diploma_id: int) -> HttpResponse:
    """One diploma: named as people know it, its extended data and grade list, its history, and
    the holder's correction requests about it."""
    return _diploma_page(
        request, pgn, diploma_id, CorrectionForm(), sent=bool(request.GET.get("verstuurd"))
    )


def _diploma_page(request: HttpRequest, pgn: str, diploma_id: int, form: CorrectionForm, *,
                  sent: bool = False, status: int = 200) -> HttpResponse:  # fmt: skip
    fields = (*DIPLOMA_FIELDS, *diploma_page.EXTENDED_FIELDS, _programme_field())
    disclosure = _disclose(request, pgn, fields, [diploma_id])
    if disclosure is None or not disclosure.records or disclosure.person is None:
        raise Http404
    corrections = list(requests_of_holder(disclosure.person).filter(diploma_id=diploma_id))
    record = disclosure.records[0]
    return render(
        request,
        "portal_holder/diploma.html",
        {
            "d": labelled(record),
            "page": diploma_page.context(record, get_language() or "nl"),
            "corrections": corrections,
            "pending": any(c.status in OPEN for c in corrections),
            "form": form,
            "sent": sent,
        },
        status=status,
    )


@require_POST
@holder_view
def request_correction(request: HttpRequest, pgn: str, diploma_id: int) -> HttpResponse:
    """ "Dit klopt niet": the request goes to the awarding organisation's queue. On an error the
    page comes back with what the holder typed; after sending, a confirmation (post/redirect/get)."""
    own = _disclose(request, pgn, ("diploma_id",), [diploma_id])
    if own is None or own.person is None or not own.records:
        raise Http404
    form = CorrectionForm(request.POST)
    if form.is_valid():
        document = Diploma.objects.get(pk=own.records[0]["diploma_id"])  # the key, not its data
        try:
            submit_request(
                person=own.person, diploma=document, message=form.cleaned_data["message"]
            )
        except DuplicateRequest:
            form.add_error("message", _("You already sent this request; the institution is still handling it. Its status is shown above."))  # fmt: skip
        except CorrectionError:
            form.add_error("message", _("Describe what is wrong in 5 to 2000 characters."))
        else:
            return redirect(f"/mijn/diploma/{diploma_id}/?verstuurd=1#correctie")
    return _diploma_page(request, pgn, diploma_id, form, status=400)


@require_POST
@holder_view
def extract(request: HttpRequest, pgn: str) -> HttpResponse:
    language = "en" if request.POST.get("lang") == "en" else "nl"
    chosen = request.POST.get("diploma")
    try:
        ids = [int(chosen)] if chosen else None
        made = make_extract(pgn, diplomas=ids, language=language, channel="portal",
                            grades=not request.POST.get("zonder_cijfers"))  # fmt: skip
    except (LookupError, ValueError, NotDisclosed) as exc:
        raise Http404 from exc
    return pdf_response(made)


@holder_view
def disclosure_log(request: HttpRequest, pgn: str) -> HttpResponse:
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    source = log_page.Source.of(numbers_of(pgn))
    filters = log_page.Filters.from_query(request.GET)
    if request.GET.get("formaat") == "csv":  # one's own log, filtered, in full
        everything = log_page.others(source, log_page.Filters(filters.since, filters.until,
                                                              filters.recipient), 10_000)  # fmt: skip
        response = HttpResponse(log_page.as_csv(log_page.rows(everything, language), language),
                                content_type="text/csv; charset=utf-8")  # fmt: skip
        name = "who-viewed-my-data.csv" if language == "en" else "wie-bekeek-mijn-gegevens.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    batch, next_before = log_page.page(source, filters)
    query = request.GET.copy()
    query.pop("voor", None)
    return render(
        request,
        "portal_holder/disclosure_log.html",
        {"rows": log_page.rows(batch, language), "own_views": source.own_views(),
         "recipients": log_page.recipients(source), "filters": filters, "next_before": next_before,
         "query": query.urlencode()},
    )  # fmt: skip


@holder_view
def basis(request: HttpRequest, pgn: str, code: str) -> HttpResponse:
    """What a legal basis allows, in words: the target of the article links on the log page."""
    rule = legal_bases().get(code)
    if rule is None:
        raise Http404
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    return render(request, "portal_holder/basis.html", {
        "basis": rule, "purpose": rule.purpose(language),
        "fields": log_page.fields_in_words(list(rule.fields), language),
    })  # fmt: skip


def logout_view() -> View:
    """Log out of Mijn diploma's (POST): DigiD's logout (the mock's, or SAML single logout in
    production), then the portal's logged-out page rather than the admin's."""
    next_page = reverse_lazy("holder_portal:logged_out")
    if settings.DIGID_MOCK:
        from digid_eherkenning.mock.views.digid import DigiDLogoutMockView

        return DigiDLogoutMockView.as_view(next_page=next_page)
    from digid_eherkenning.views.digid import DigiDLogoutView

    return DigiDLogoutView.as_view(next_page=next_page)


@never_cache
def logged_out(request: HttpRequest) -> HttpResponse:
    return render(request, "portal_holder/logged_out.html")
