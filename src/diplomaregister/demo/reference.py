"""Reference data for the synthetic national data set: programmes, subjects, organisation mix and
the life paths that produce diplomas. Shares and start years follow the seeds
(``diplomaregister-nora.txt``: WO/HBO from 1996, MBO and VAVO from 2007, VO from 2006, staatsexamens
from 2011, VSO from 2012, inburgering from 2007; about 5.1 million diplomas in 2014) and the start
dates of the document kinds in ``law/document_kinds.yaml`` (art. 16).
"""

from __future__ import annotations

from dataclasses import dataclass

# Programme reference list (art. 6): (sector, code, name_nl, name_en, level, degree)
VO_PROGRAMMES = [
    ("VO", "VWO-NT", "Vwo natuur en techniek", "Pre-university, science and technology", "vwo", ""),
    ("VO", "VWO-NG", "Vwo natuur en gezondheid", "Pre-university, science and health", "vwo", ""),
    (
        "VO",
        "VWO-EM",
        "Vwo economie en maatschappij",
        "Pre-university, economics and society",
        "vwo",
        "",
    ),
    (
        "VO",
        "VWO-CM",
        "Vwo cultuur en maatschappij",
        "Pre-university, culture and society",
        "vwo",
        "",
    ),
    (
        "VO",
        "HAVO-NT",
        "Havo natuur en techniek",
        "Senior general, science and technology",
        "havo",
        "",
    ),
    (
        "VO",
        "HAVO-NG",
        "Havo natuur en gezondheid",
        "Senior general, science and health",
        "havo",
        "",
    ),
    (
        "VO",
        "HAVO-EM",
        "Havo economie en maatschappij",
        "Senior general, economics and society",
        "havo",
        "",
    ),
    (
        "VO",
        "HAVO-CM",
        "Havo cultuur en maatschappij",
        "Senior general, culture and society",
        "havo",
        "",
    ),
    ("VO", "VMBO-TL", "Vmbo theoretische leerweg", "Pre-vocational, theoretical", "vmbo", ""),
    ("VO", "VMBO-GL", "Vmbo gemengde leerweg", "Pre-vocational, mixed", "vmbo", ""),
    (
        "VO",
        "VMBO-KB",
        "Vmbo kaderberoepsgerichte leerweg",
        "Pre-vocational, middle-management",
        "vmbo",
        "",
    ),
    ("VO", "VMBO-BB", "Vmbo basisberoepsgerichte leerweg", "Pre-vocational, basic", "vmbo", ""),
]
VSO_PROGRAMMES = [
    (
        "VSO",
        "VSO-VMBO-BB",
        "Vso vmbo basisberoepsgerichte leerweg",
        "Special secondary, basic",
        "vmbo",
        "",
    ),
    (
        "VSO",
        "VSO-VMBO-TL",
        "Vso vmbo theoretische leerweg",
        "Special secondary, theoretical",
        "vmbo",
        "",
    ),
]
STAATSEXAMEN_PROGRAMMES = [
    ("STAATSEXAMEN", "SE-VWO", "Staatsexamen vwo", "State examination pre-university", "vwo", ""),
    (
        "STAATSEXAMEN",
        "SE-HAVO",
        "Staatsexamen havo",
        "State examination senior general",
        "havo",
        "",
    ),
    (
        "STAATSEXAMEN",
        "SE-NT2-II",
        "Staatsexamen Nederlands als tweede taal II",
        "Dutch as a second language II",
        "B2",
        "",
    ),
]
MBO_PROGRAMMES = [
    ("MBO", "25180", "Verpleegkundige", "Nurse", "4", ""),
    ("MBO", "25187", "Software developer", "Software developer", "4", ""),
    ("MBO", "25169", "Medewerker logistiek", "Logistics employee", "2", ""),
    ("MBO", "25484", "Verkoopspecialist", "Sales specialist", "3", ""),
    ("MBO", "25655", "Pedagogisch medewerker", "Childcare worker", "3", ""),
    ("MBO", "25263", "Eerste monteur elektrotechnische installaties", "Electrician", "3", ""),
    ("MBO", "25251", "Entree-opleiding assistent", "Entry-level assistant", "1", ""),
    ("MBO", "25470", "Kok", "Cook", "2", ""),
]
VAVO_PROGRAMMES = [
    ("VAVO", "VAVO-HAVO", "Vavo havo", "Adult general secondary, senior general", "havo", ""),
    ("VAVO", "VAVO-VWO", "Vavo vwo", "Adult general secondary, pre-university", "vwo", ""),
]
HBO_PROGRAMMES = [
    ("HBO", "34035", "Verpleegkunde", "Nursing", "bachelor", "Bachelor of Nursing"),
    (
        "HBO",
        "34479",
        "HBO-ICT",
        "Information and Communication Technology",
        "bachelor",
        "Bachelor of Science",
    ),
    (
        "HBO",
        "34139",
        "Bedrijfskunde",
        "Business Administration",
        "bachelor",
        "Bachelor of Business Administration",
    ),
    (
        "HBO",
        "34808",
        "Leraar basisonderwijs",
        "Primary school teacher",
        "bachelor",
        "Bachelor of Education",
    ),
    ("HBO", "80072", "Associate degree ICT", "Associate degree ICT", "ad", "Associate degree"),
    ("HBO", "49230", "Master Social Work", "Master Social Work", "master", "Master of Social Work"),
]
WO_PROGRAMMES = [
    ("WO", "56604", "Geneeskunde", "Medicine", "master", "Master of Science"),
    ("WO", "50033", "Rechtsgeleerdheid", "Law", "bachelor", "Bachelor of Laws"),
    ("WO", "60345", "Rechtsgeleerdheid", "Law", "master", "Master of Laws"),
    ("WO", "56980", "Informatica", "Computer Science", "bachelor", "Bachelor of Science"),
    ("WO", "60300", "Computer Science", "Computer Science", "master", "Master of Science"),
    ("WO", "56826", "Psychologie", "Psychology", "bachelor", "Bachelor of Science"),
    ("WO", "66604", "Psychologie", "Psychology", "master", "Master of Science"),
    ("WO", "50245", "Theologie", "Theology", "bachelor", "Bachelor of Arts"),
]
ALL_PROGRAMMES = (
    VO_PROGRAMMES
    + VSO_PROGRAMMES
    + STAATSEXAMEN_PROGRAMMES
    + MBO_PROGRAMMES
    + VAVO_PROGRAMMES
    + HBO_PROGRAMMES
    + WO_PROGRAMMES
)

# Cijferlijst subjects (art. 7 lid 3; art. 16 onder l): code, name; common core first.
VO_CORE = [("NE", "Nederlands"), ("EN", "Engels")]
VO_PROFILE_SUBJECTS = {
    "NT": [("WISB", "Wiskunde B"), ("NAT", "Natuurkunde"), ("SCHK", "Scheikunde")],
    "NG": [("WISA", "Wiskunde A"), ("BIOL", "Biologie"), ("SCHK", "Scheikunde")],
    "EM": [("WISA", "Wiskunde A"), ("ECON", "Economie"), ("GES", "Geschiedenis")],
    "CM": [("GES", "Geschiedenis"), ("FA", "Frans"), ("KUA", "Kunst algemeen")],
    "TL": [("WI", "Wiskunde"), ("BI", "Biologie"), ("EC", "Economie")],
    "GL": [("WI", "Wiskunde"), ("BI", "Biologie"), ("EC", "Economie")],
    "KB": [("WI", "Wiskunde"), ("EC", "Economie"), ("BWI", "Bouwen, wonen en interieur")],
    "BB": [("WI", "Wiskunde"), ("EC", "Economie"), ("ZW", "Zorg en welzijn")],
}


@dataclass(frozen=True)
class OrgSpec:
    """How many organisations of a kind the demo makes: one per ``per_persons`` persons, at least
    ``minimum`` and at most ``maximum`` (the national counts, roughly)."""

    kind: str
    label: str
    per_persons: int
    minimum: int
    maximum: int
    bekostigd: bool | None = True


ORG_SPECS = [
    OrgSpec("universiteit", "Universiteit", 900_000, 2, 14),
    OrgSpec("open_universiteit", "Open Universiteit", 10**9, 1, 1),
    OrgSpec("levensbeschouwelijke_instelling", "Theologische Universiteit", 10**9, 1, 4),
    OrgSpec("hogeschool", "Hogeschool", 500_000, 3, 36),
    OrgSpec("rechtspersoon_ho", "Private Hogeschool", 300_000, 1, 60, bekostigd=False),
    OrgSpec("mbo_instelling", "ROC", 250_000, 3, 65),
    OrgSpec("mbo_niet_bekostigd", "Vakopleiding", 500_000, 1, 40, bekostigd=False),
    OrgSpec("vo_school", "Scholengemeenschap", 30_000, 6, 650),
    OrgSpec("vo_school_aangewezen", "Particuliere school", 1_000_000, 1, 20, bekostigd=False),
    OrgSpec("vso_school", "School voor vso", 60_000, 2, 300),
]

CITIES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort",
    "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Delft", "Leeuwarden", "Assen", "Middelburg",
]  # fmt: skip

# Share of persons (per life event) and the age at which the document is issued. Kinds and sectors
# are those of art. 16; documents issued before the kind's start date are not in the register.
VO_SHARE = 0.86  # most persons finish VO; vmbo/havo/vwo split roughly 55/25/20
VSO_SHARE = 0.02
MBO_SHARE = 0.42
VAVO_SHARE = 0.02
HBO_SHARE = 0.28
WO_SHARE = 0.17
STAATSEXAMEN_SHARE = 0.01
INBURGERING_SHARE = 0.03
CORRECTION_SHARE = 0.02  # diplomas that get a second, corrected version
WITHDRAWAL_SHARE = 0.001  # diplomas withdrawn (intrekking)
DEATH_SHARE = 0.003
ONDERWIJSNUMMER_SHARE = 0.01  # persons known only by an onderwijsnummer (no BSN)
LATE_SHARE = 0.02  # documents delivered after the legal term (law/legal_terms.yaml)
