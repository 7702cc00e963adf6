from rest_framework import serializers

from diplomaregister.levering.models import Delivery, DeliveryRecord


class DeliverySerializer(serializers.ModelSerializer):
    organisatie = serializers.CharField(source="organisation.code")
    aantallen = serializers.DictField(source="counts", child=serializers.IntegerField())

    class Meta:
        model = Delivery
        fields = [
            "id",
            "organisatie",
            "channel",
            "status",
            "file_name",
            "received_at",
            "finished_at",
            "failure",
            "aantallen",
        ]


class DeliveryRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryRecord
        fields = ["id", "index", "record_key", "outcome", "violations", "warnings"]


class DeliveryRequestSerializer(serializers.Serializer):
    organisatie = serializers.CharField(
        required=False, help_text="Defaults to the client's organisation."
    )
    records = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=10000)


class RecordSerializer(serializers.Serializer):
    """A document as delivered; field names of law/field_catalogue.yaml (docs/levering.md)."""

    record_key = serializers.CharField()
    pgn = serializers.CharField()
    family_name = serializers.CharField()
    given_names = serializers.CharField(required=False, allow_blank=True)
    gender = serializers.CharField(required=False)
    birth_date = serializers.DateField()
    kind = serializers.CharField()
    date_of_issue = serializers.DateField()
    sector = serializers.CharField(required=False, allow_blank=True)
    programme_code = serializers.CharField(required=False, allow_blank=True)
    grades = serializers.ListField(child=serializers.DictField(), required=False)


class _PersonFields(serializers.Serializer):
    record_key = serializers.CharField(max_length=64)
    pgn = serializers.CharField()
    family_name = serializers.CharField()
    given_names = serializers.CharField(required=False, allow_blank=True)
    gender = serializers.CharField(required=False)
    birth_date = serializers.DateField()


class EnrolmentSerializer(_PersonFields):
    """An inschrijving (art. 5 lid 1: instelling, datum in- en uitschrijving; art. 6 opleiding)."""

    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    end_reason = serializers.CharField(required=False, allow_blank=True)
    enrolment_form = serializers.CharField(required=False, allow_blank=True)
    prior_education = serializers.CharField(required=False, allow_blank=True)
    programme_code = serializers.CharField(required=False, allow_blank=True)
    programme_form = serializers.CharField(required=False, allow_blank=True)
    programme_phase = serializers.CharField(required=False, allow_blank=True)
    vo_leerweg = serializers.CharField(required=False, allow_blank=True)


class ResultSerializer(_PersonFields):
    """A resultaat (art. 7): subject grades, an exam outcome, a certificate."""

    result_type = serializers.CharField()
    result_date = serializers.DateField()
    subject_code = serializers.CharField(required=False, allow_blank=True)
    school_exam_grade = serializers.DecimalField(max_digits=3, decimal_places=1, required=False)
    central_exam_grade = serializers.DecimalField(max_digits=3, decimal_places=1, required=False)
    final_grade = serializers.DecimalField(max_digits=3, decimal_places=1, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True)


class WithdrawalSerializer(serializers.Serializer):
    effective_date = serializers.DateField()
    reason = serializers.CharField(max_length=200)
    reason_code = serializers.ChoiceField(
        choices=["error", "fraud", "misattributed", "other"], required=False, default="other",
        help_text="misattributed: the document belonged to another person; it then disappears for "
        "this holder (the history stays).",
    )  # fmt: skip


class FileUploadSerializer(serializers.Serializer):
    bestand = serializers.FileField()


class TermReportSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    total = serializers.IntegerField()
    on_time = serializers.IntegerField()
    share_on_time = serializers.FloatField()
    target = serializers.FloatField()
    meets_target = serializers.BooleanField()
    late = serializers.ListField(child=serializers.DictField())
