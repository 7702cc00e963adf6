"""The register: persons, enrolments, results and diplomas, each with full bitemporal history.

Every register fact is an *identity* row (stable key, never changed) plus *version* rows that are
only ever inserted. A version carries its valid time (``valid_from``/``valid_to``: when the fact holds
in the world) and its transaction time (``recorded_at``: when the register learned it). See
``history.py`` for how "now" and "as known on" are answered.

Every person-scoped table carries ``person_id`` and leads its indexes with it, so the person tables
can be partitioned or distributed (e.g. Citus, distribution column ``person_id``) without a rewrite.
Field meanings and their articles are in ``law/field_catalogue.yaml``; a test keeps both in step.
"""

from __future__ import annotations

from django.db import models

from diplomaregister.law.loaders import document_kinds


class Change(models.TextChoices):
    NEW = "new", "Nieuw"
    CORRECTION = "correction", "Correctie"
    WITHDRAWAL = "withdrawal", "Intrekking"
    DEATH = "death", "Overlijden"
    ISSUE = "issue", "Uitreiking"  # an earned document was handed over (status earned -> valid)


class Sector(models.TextChoices):
    PO = "PO", "Primair onderwijs"
    VO = "VO", "Voortgezet onderwijs"
    VSO = "VSO", "Voortgezet speciaal onderwijs"
    MBO = "MBO", "Middelbaar beroepsonderwijs"
    VAVO = "VAVO", "Vavo"
    HBO = "HBO", "Hoger beroepsonderwijs"
    WO = "WO", "Wetenschappelijk onderwijs"
    STAATSEXAMEN = "STAATSEXAMEN", "Staatsexamen"
    INBURGERING = "INBURGERING", "Inburgering"


class VersionFields(models.Model):
    """Bitemporal bookkeeping shared by every version table (inserted, never updated)."""

    version = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    change = models.CharField(max_length=16, choices=Change.choices, default=Change.NEW)
    source = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class Person(models.Model):
    """Onderwijsdeelnemer, identified by the persoonsgebonden nummer (BSN or onderwijsnummer)."""

    pgn = models.CharField(max_length=9, unique=True)
    pgn_type = models.CharField(
        max_length=16, choices=[("bsn", "BSN"), ("onderwijsnummer", "Onderwijsnummer")]
    )
    created_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False, help_text="For an onderwijsnummer: the organisation that "
        "assigned it, the source of the identity (a BSN's source is the BRP).",
    )  # fmt: skip
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        help_text="Set when this onderwijsnummer person received a BSN: every fact moved there.",
    )  # fmt: skip

    class Meta:
        verbose_name = "onderwijsdeelnemer"

    def __str__(self) -> str:
        return f"Person {self.pk}"


class PersonVersion(VersionFields):
    """Identifying data, art. 4 lid 1 and art. 15."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    family_name = models.CharField(max_length=200)
    given_names = models.CharField(max_length=200, blank=True)
    gender = models.CharField(
        max_length=1, choices=[("M", "Man"), ("V", "Vrouw"), ("X", "Onbekend/anders")]
    )
    birth_date = models.DateField()
    death_date = models.DateField(null=True, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_country = models.CharField(max_length=4, blank=True)
    nationality = models.CharField(max_length=4, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=7, blank=True)
    emigration_date = models.DateField(
        null=True,
        blank=True,
        help_text="Vertrek uit Nederland (art. 4 lid 1 onder l), from the BRP.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="person_version_unique")
        ]


# The data columns of an identity version: what a new version (BRP mutation, merge) carries over.
IDENTITY_COLUMNS = ("family_name", "given_names", "gender", "birth_date", "death_date", "birth_place",
                    "birth_country", "nationality", "address", "postcode", "emigration_date")  # fmt: skip


class Programme(models.Model):
    """Reference list of programmes (art. 6): CROHO (HO), crebo/qualification (MBO), VO profile."""

    sector = models.CharField(max_length=16, choices=Sector.choices)
    code = models.CharField(max_length=16)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=16, blank=True)
    degree = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sector", "code"], name="programme_sector_code")
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.code} {self.name_nl}"


class Enrolment(models.Model):
    """Inschrijving (art. 5) at an organisation; ``record_key`` is the institution's own key."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, db_index=False
    )
    record_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_key"], name="enrolment_org_record"
            )
        ]
        indexes = [models.Index(fields=["person", "organisation"])]


class EnrolmentVersion(VersionFields):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=64, blank=True)
    enrolment_form = models.CharField(max_length=32, blank=True)
    prior_education = models.CharField(max_length=64, blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    programme_form = models.CharField(max_length=16, blank=True)
    programme_phase = models.CharField(max_length=16, blank=True)
    vo_leerweg = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "version"], name="enrolment_version_unique"
            )
        ]
        # no indexes beyond the constraints: read through the enrolment (register/tests/test_indexes.py)


class Result(models.Model):
    """Resultaat (art. 7): an exam result, subject grade or certificate delivered by an institution."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="results", db_index=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, db_index=False
    )
    record_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "record_key"], name="result_org_record")
        ]
        # no indexes beyond the constraints: results are read by (organisation, record key) only


class ResultVersion(VersionFields):
    result = models.ForeignKey(
        Result, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    result_type = models.CharField(max_length=32)
    result_date = models.DateField()
    subject_code = models.CharField(max_length=16, blank=True)
    school_exam_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    central_exam_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    final_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "version"], name="result_version_unique")
        ]
        # no indexes beyond the constraints: read through the result (register/tests/test_indexes.py)


def _document_kind_choices() -> list[tuple[str, str]]:
    return [(code, f"{code}: {kind.name_nl}") for code, kind in document_kinds().items()]


class Diploma(models.Model):
    """Waardedocument (art. 15-17). Identity: the awarding organisation (art. 17 lid 1b, which also
    delivers it, art. 22) and that organisation's record key. The person never changes: a document
    delivered for the wrong person is withdrawn there and delivered anew for the right one."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="diplomas", db_index=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, db_index=False
    )
    record_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_key"], name="diploma_org_record"
            )
        ]
        indexes = [models.Index(fields=["person", "organisation"])]


class DiplomaStatus(models.TextChoices):
    VALID = "valid", "Geldig"
    WITHDRAWN = "withdrawn", "Ingetrokken"
    # Earned but not (yet) handed over, e.g. a student who postpones graduation: the holder sees it,
    # no recipient, share link or extract does; a later delivery with the date of issue issues it.
    EARNED = "earned", "Behaald, nog niet uitgereikt"


class DiplomaVersion(VersionFields):
    diploma = models.ForeignKey(
        Diploma, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(
        max_length=16, choices=DiplomaStatus.choices, default=DiplomaStatus.VALID
    )
    kind = models.CharField(max_length=1, choices=_document_kind_choices)
    sector = models.CharField(max_length=16, choices=Sector.choices)
    date_of_issue = models.DateField()
    exam_date = models.DateField(null=True, blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    vo_profile = models.CharField(max_length=32, blank=True)
    vo_leerweg = models.CharField(max_length=16, blank=True)
    mbo_level = models.PositiveSmallIntegerField(null=True, blank=True)
    mbo_leerweg = models.CharField(max_length=8, blank=True)
    ho_degree = models.CharField(max_length=64, blank=True)
    ho_exam_type = models.CharField(max_length=16, blank=True)
    withdrawal_reason = models.CharField(max_length=200, blank=True)
    bekostigd = models.BooleanField(
        null=True, blank=True,
        help_text="Whether the programme of the document is publicly funded (art. 16: d, i, k are "
        "non-funded programmes, also at funded institutions); empty: the institution's funding.",
    )  # fmt: skip
    withdrawal_code = models.CharField(
        max_length=16,
        blank=True,
        choices=[("error", "error"), ("fraud", "fraud"), ("misattributed", "misattributed"),
                 ("other", "other")],
        help_text="law/legal_bases.yaml withdrawal_codes; misattributed documents vanish for the holder.",
    )  # fmt: skip
    # Extended diploma data (law/scenarios.yaml; stored only as far as the active scenario says).
    specialisation = models.CharField(max_length=200, blank=True)
    judicium = models.CharField(max_length=16, blank=True)
    degree = models.CharField(max_length=16, blank=True)
    degree_addition = models.CharField(max_length=32, blank=True)
    awarding_organisations = models.JSONField(
        default=list, blank=True,
        help_text="Joint degree: [{organisation_code} | {name, country}], the delivering one included.",
    )  # fmt: skip
    instruction_languages = models.JSONField(default=list, blank=True)
    weighted_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # Art. 17 lid 2 ("overige diplomagegevens") is missing from the seed text; its parts are kept here,
    # keyed by field-catalogue name (entity "diploma_overig"), until the text is known.
    # See docs/legal-open-questions.md.
    overige_gegevens = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["diploma", "version"], name="diploma_version_unique")
        ]
        # no indexes beyond the constraints: feeds page by id; reads go through the diploma


class DiplomaGrade(models.Model):
    """One line of the cijferlijst of a diploma version (art. 7 lid 3, art. 16 onder l, j, p)."""

    diploma_version = models.ForeignKey(
        DiplomaVersion, on_delete=models.PROTECT, related_name="grades"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    subject_code = models.CharField(max_length=16)
    subject_name = models.CharField(max_length=100)
    school_exam_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    central_exam_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    final_grade = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    # An HO course result (unit): its EC, "voldaan"/"vrijstelling" when it has no grade, its date.
    credits_ec = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    pass_result = models.CharField(max_length=16, blank=True)
    result_date = models.DateField(null=True, blank=True)

    # no index of its own beyond the version's foreign key: read by version
    # (register/tests/test_indexes.py)


class IdentityMismatch(models.Model):
    """A delivery whose identity differed from the register's source (BRP for a BSN, the assigning
    organisation for an onderwijsnummer): accepted with a warning, the register kept its own. The
    operator's report counts these per organisation; which fields differed, never their values."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, db_index=False
    )
    fields = models.JSONField(default=list)
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "recorded_at"])]
