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
from diplomaregister.verstrekking.engine import BasisNotAllowed


class FeedPageSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField())
    cursor = serializers.CharField(
        help_text="Pass as ?cursor= to continue; stable when nothing is new."
    )
    trace_id = serializers.CharField()


class ChangesView(APIView):
    permission_classes = [HasRole.of("recipient")]

    @extend_schema(operation_id="abonnement_wijzigingen", responses={200: FeedPageSerializer},
                   parameters=[OpenApiParameter("cursor", str), OpenApiParameter("pageSize", int)])  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        """New and changed documents since the cursor, projected to the subscription's basis
        (at-least-once: keep the last cursor you processed and resume from it)."""
        client = cast(ApiClient, request.auth)
        subscription = Subscription.objects.filter(
            pk=pk, organisation=client.organisation, active=True
        ).first()
        if subscription is None:
            return problem(404, "No such subscription of yours.", code="not_found")
        size_text = request.query_params.get("pageSize", "100")
        size = min(int(size_text), 1000) if size_text.isdigit() and int(size_text) > 0 else 100
        try:
            page = feeds.page(subscription, request.query_params.get("cursor"), size)
        except ValueError as exc:
            return problem(400, str(exc), code="cursor")
        except BasisNotAllowed as exc:
            return problem(403, "Not allowed under this legal basis.", str(exc), code="basis")
        return Response({"items": page.items, "cursor": page.cursor, "trace_id": page.trace_id})
