from django.conf import settings

from diplomaregister.conf import env
from diplomaregister.core.configdocs import readme_path, render


def test_readme_configuration_table_is_current():
    assert settings.configured
    readme = readme_path().read_text(encoding="utf-8")
    assert render(readme) == readme, (
        "README config table is stale: run `diplomaregister config_docs`"
    )


def test_every_variable_has_a_meaning():
    assert env.VARIABLES
    for var in env.VARIABLES.values():
        assert var.meaning.strip(), var.name
