"""scenario_report: the fields per scenario as the study describes them, and what storing costs."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from diplomaregister.demo.scenario_report import report


def test_report_per_scenario():
    data = report(persons=600, seed=2, today=dt.date(2025, 6, 1))
    scenarios = data["scenarios"]
    assert (
        "course_results" in scenarios["1"]["stored"]
        and "course_results" in scenarios["3"]["stored"]
    )
    assert "course_results" not in scenarios["2"]["stored"]  # "ontbreken cijferlijst"
    assert scenarios["4"]["bytes_per_million"] == 0  # "geen aanpassingen"
    cost = {code: item["bytes_per_million"] for code, item in scenarios.items()}
    assert cost["1"] > cost["3"] > cost["2"] > cost["4"]
    # a grade list of 20-30 units is by far the largest extension
    fields = data["fields"]
    assert (
        fields["course_results"]["bytes_per_million"] > 10 * fields["judicium"]["bytes_per_million"]
    )
    assert 0 < fields["judicium"]["share_ho"] < 0.2  # cum laude, met lof: a minority


def test_command_prints_every_scenario():
    out = StringIO()
    call_command("scenario_report", "--persons", "200", stdout=out)
    text = out.getvalue()
    for code in "1234":
        assert f"Scenario {code}" in text
