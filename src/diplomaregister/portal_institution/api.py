"""Correction-request queue for the awarding organisation's systems: list and answer (role deliver)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.core.problems import problem
from diplomaregister.organisations.auth import HasRole
from diplomaregister.organisations.models import ApiClient
from diplomaregister.portal_institution.corrections import (
    ANSWERS,
    answer_request,
    queue_for_organisation,
)
from diplomaregister.portal_institution.models import CorrectionRequest


class CorrectionRequestSerializer(serializers.ModelSerializer):
    record_key = serializers.CharField(source="diploma.record_key")

    class Meta:
        model = CorrectionRequest
        fields = ["id", "record_key", "message", "status", "answer", "created_at", "answered_at"]


class AnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ANSWERS)
    answer = serializers.CharField(max_length=2000)


def _org(request: Request) -> Any:
    return cast(ApiClient, request.auth).organisation


class QueueView(generics.ListAPIView):
    """Correction requests about documents this organisation awarded (cursor-paginated)."""

    permission_classes = [HasRole.of("deliver")]
    serializer_class = CorrectionRequestSerializer

    def get_queryset(self) -> Any:
        return CorrectionRequest.objects.filter(organisation=_org(self.request)).select_related(
            "diploma"
        )


class AnswerView(APIView):
    permission_classes = [HasRole.of("deliver")]

    @extend_schema(operation_id="correctieverzoek_antwoord", request=AnswerSerializer,
                   responses={200: CorrectionRequestSerializer})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        req = queue_for_organisation(_org(request)).filter(pk=pk).first()
        if req is None:
            return problem(404, "No such correction request of yours.", code="not_found")
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer_request(
            req,
            status=body.validated_data["status"],
            answer=body.validated_data["answer"],
            user_id=None,
        )
        return Response(CorrectionRequestSerializer(req).data)
