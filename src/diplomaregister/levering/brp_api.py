"""BRP mutations over the API: ``POST /api/v1/brp/mutaties`` (role ``brp``), per mutation an answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diplomaregister.organisations.auth import HasRole
from diplomaregister.register import brp


class MutationsSerializer(serializers.Serializer):
    mutaties = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=10000,
        help_text="Objects with bsn, kind (name, gender, birth_date, death, emigration), valid_from "
        "and the fields of their kind (family_name, given_names, gender, birth_date, death_date, "
        "emigration_date).",
    )  # fmt: skip


class MutationResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["applied", "unchanged", "unknown", "rejected"])
    violations = serializers.ListField(child=serializers.DictField())


class MutationsView(APIView):
    permission_classes = [HasRole.of("brp")]

    @extend_schema(operation_id="brp_mutaties", request=MutationsSerializer,
                   responses={200: MutationResultSerializer(many=True)})  # fmt: skip
    def post(self, request: Request) -> Response:
        """Apply BRP mutations: each becomes a new identity version with its own valid time."""
        body = MutationsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = [brp.apply(raw, index, source="brp:api").as_dict()
                   for index, raw in enumerate(body.validated_data["mutaties"])]  # fmt: skip
        return Response(results)
