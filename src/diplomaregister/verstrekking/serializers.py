from rest_framework import serializers


class LookupRequestSerializer(serializers.Serializer):
    basis = serializers.CharField(
        help_text="Key of law/legal_bases.yaml, e.g. art50, art53_1, art54_2."
    )
    persoonsgebonden_nummer = serializers.CharField(
        help_text="BSN or onderwijsnummer (in the body, never in a URL).", max_length=32
    )
    aanvraag = serializers.CharField(
        required=False, max_length=64,
        help_text="Your reference of the application (aanmelding, aanvraag) you are handling; "
        "required by bases with scope application (art. 28 lid 2). It is recorded and logged.",
    )  # fmt: skip


class DisclosureSerializer(serializers.Serializer):
    trace_id = serializers.CharField()
    basis = serializers.CharField()
    subject = serializers.DictField(
        help_text="Person-level fields the basis allows, or a pseudonym."
    )
    records = serializers.ListField(
        child=serializers.DictField(), help_text="One object per document."
    )


class AggregateRequestSerializer(serializers.Serializer):
    basis = serializers.CharField()
    group_by = serializers.ListField(
        child=serializers.ChoiceField(choices=["sector", "kind", "year"]), min_length=1,
        required=False,
        help_text="Optional; must name the basis's published table (sector, kind, year).",
    )  # fmt: skip


class LogEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    trace_id = serializers.CharField()
    basis = serializers.CharField()
    article = serializers.CharField()
    recipient_kind = serializers.CharField()
    recipient_label = serializers.CharField()
    recipient_code = serializers.CharField()
    subject_ref = serializers.CharField()
    disclosed_fields = serializers.ListField(source="fields", child=serializers.CharField())
    record_count = serializers.IntegerField()
    channel = serializers.CharField()
    outcome = serializers.CharField()
    reason = serializers.CharField()
    row_hash = serializers.CharField()
