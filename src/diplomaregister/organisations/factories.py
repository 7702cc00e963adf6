import factory

from diplomaregister.organisations.models import Organisation

_BRIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def brin_for(n: int) -> str:
    return f"{n % 100:02d}{_BRIN_LETTERS[(n // 100) % 26]}{_BRIN_LETTERS[(n // 2600) % 26]}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    brin = factory.Sequence(lambda n: brin_for(n + 10))
    code = factory.LazyAttribute(lambda o: o.brin)
    name = factory.Sequence(lambda n: f"Onderwijsinstelling {n}")
    kind = "vo_school"
    bekostigd = True

    class Params:
        universiteit = factory.Trait(kind="universiteit", name="Universiteit Testdam")
        hogeschool = factory.Trait(kind="hogeschool", name="Hogeschool Testdam")
        mbo = factory.Trait(kind="mbo_instelling", name="ROC Testdam")
        cvte = factory.Trait(
            kind="cvte",
            code="CVTE",
            brin="",
            name="College voor toetsen en examens",
            bekostigd=None,
        )
