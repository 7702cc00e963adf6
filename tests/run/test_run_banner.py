"""What `make run` prints (``run_banner``) and creates (``prepare_run``), without starting it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from diplomaregister.demo.services import generate
from diplomaregister.register.models import Diploma, DiplomaVersion


def _banner(**options) -> str:
    out = StringIO()
    call_command("run_banner", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_banner_names_demo_bsns_that_hold_what_it_says_and_a_real_organisation():
    generate(300, seed=1, progress=False)
    text = _banner(url="http://127.0.0.1:8123", app=".venv/bin/diplomaregister")
    assert "http://127.0.0.1:8123/" in text and "http://127.0.0.1:8123/mijn/" in text
    lines = re.findall(r"^ {4}(\d{9})  (\d+) diplomas?: ([A-Z, ]+)(.*)$", text, flags=re.MULTILINE)
    assert len(lines) >= 3
    for bsn, count, sectors, _rest in lines:
        held = Diploma.objects.filter(person__pgn=bsn)
        assert held.count() == int(count)
        assert set(sectors.split(", ")) == set(
            DiplomaVersion.objects.filter(person__pgn=bsn).values_list("sector", flat=True)
        )
    if DiplomaVersion.objects.filter(version__gt=1, status="withdrawn").exists():
        assert "withdrawn" in text
    staff = re.search(r"create_staff_user --organisation (\S+) --username demo\n", text)
    assert staff
    first_bsn = lines[0][0]
    awarded = Diploma.objects.filter(person__pgn=first_bsn, organisation__code=staff.group(1))
    assert awarded.exists(), "the suggested organisation awarded the suggested BSN a diploma"
    assert ".venv/bin/diplomaregister create_operator --username admin" in text
    assert "WARNING" not in text


@pytest.mark.django_db
def test_banner_on_an_empty_register_and_a_public_address(settings):
    settings.DIGID_MOCK = True
    text = _banner(url="http://localhost:8000", host="0.0.0.0")  # noqa: S104
    assert "The register is empty" in text and "--organisation CODE" in text
    assert "WARNING: bound to 0.0.0.0 with the DigiD mock on" in text


def test_prepare_run_creates_var_static_and_the_sqlite_directory(settings, tmp_path):
    settings.VAR_DIR = str(tmp_path / "var")
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    database = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}
    database["NAME"] = str(tmp_path / "db" / "register.sqlite3")
    settings.DATABASES = {**settings.DATABASES, "default": database}
    call_command("prepare_run")
    assert (tmp_path / "var" / "static").is_dir() and (tmp_path / "db").is_dir()
    call_command("prepare_run")  # idempotent
