"""Change feed API: GET /api/v1/abonnementen/{id}/wijzigingen?cursor=... (own subscriptions only)."""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.abonnementen import feeds
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.core.problems import problem
from diplomaregister.organisations.auth import HasRole
from diplomaregister.organisations.models import ApiClient
from diplomaregister.verstrekking.engine import (
    NotDisclosed,
    Requester,
    close_application,
    register_application,
)


class FeedPageSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField())
    cursor = serializers.CharField(
        help_text="Pass as ?cursor= to continue; stable when nothing is new."
    )
    trace_id = serializers.CharField()


def _own_subscription(request: Request, pk: int) -> Subscription | None:
    client = cast(ApiClient, request.auth)
    return Subscription.objects.filter(pk=pk, organisation=client.organisation, active=True).first()


def _requester(request: Request) -> Requester:
    client = cast(ApiClient, request.auth)
    org = client.organisation
    return Requester(kind="organisation", organisation=org, label=org.name, client_id=client.pk)


class ApplicationSerializer(serializers.Serializer):
    persoonsgebonden_nummer = serializers.CharField(
        max_length=32, write_only=True, help_text="BSN or onderwijsnummer of the applicant."
    )
    kenmerk = serializers.CharField(
        max_length=64, source="reference", help_text="Your reference of the application."
    )
    id = serializers.IntegerField(read_only=True)
    geopend = serializers.DateTimeField(read_only=True, source="opened_at")


class ApplicationsView(APIView):
    """Art. 50: the BIG register's applications being assessed. The subscription's feed carries
    changes only for persons with an open application, until it is closed."""

    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="abonnement_aanvraag_registreren", request=ApplicationSerializer,
                   responses={201: ApplicationSerializer})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        """Register an application being assessed (the same answer whether or not the register
        knows the number)."""
        subscription = _own_subscription(request, pk)
        if subscription is None:
            return problem(404, "No such subscription of yours.", code="not_found")
        body = ApplicationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            application = register_application(
                _requester(request), subscription.basis,
                body.validated_data["persoonsgebonden_nummer"], body.validated_data["reference"],
                subscription_id=subscription.pk,
            )  # fmt: skip
        except NotDisclosed as exc:
            return problem(403, "Not allowed under this legal basis.", exc.reason, code="basis")
        return Response(ApplicationSerializer(application).data, status=201)


class ApplicationView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="abonnement_aanvraag_sluiten", responses={204: None})
    def delete(self, request: Request, pk: int, application_id: int) -> Response:
        """Close an application: the feed no longer carries changes for its person."""
        if _own_subscription(request, pk) is None or not close_application(
            _requester(request), application_id
        ):
            return problem(404, "No such open application of yours.", code="not_found")
        return Response(status=204)


class ChangesView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="abonnement_wijzigingen", responses={200: FeedPageSerializer},
                   parameters=[OpenApiParameter("cursor", str), OpenApiParameter("pageSize", int)])  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        """New and changed documents since the cursor, projected to the subscription's basis
        (at-least-once: keep the last cursor you processed and resume from it)."""
        subscription = _own_subscription(request, pk)
        if subscription is None:
            return problem(404, "No such subscription of yours.", code="not_found")
        size_text = request.query_params.get("pageSize", "100")
        size = min(int(size_text), 1000) if size_text.isdigit() and int(size_text) > 0 else 100
        try:
            page = feeds.page(subscription, request.query_params.get("cursor"), size)
        except ValueError as exc:
            return problem(400, str(exc), code="cursor")
        except NotDisclosed as exc:
            return problem(403, "Not allowed under this legal basis.", exc.reason, code="basis")
        return Response({"items": page.items, "cursor": page.cursor, "trace_id": page.trace_id})
