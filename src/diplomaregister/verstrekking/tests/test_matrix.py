"""``disclosure_matrix`` prints what the articles give; docs/disclosure-matrix.md is current."""

import json

from django.core.management import call_command

from diplomaregister.verstrekking import matrix


def _json(capsys):
    call_command("disclosure_matrix", format="json")
    return {row["basis"]: row for row in json.loads(capsys.readouterr().out)}


def test_committed_matrix_is_current():
    assert matrix.DOC.read_text(encoding="utf-8") == matrix.as_markdown(), (
        "docs/disclosure-matrix.md is stale: run `diplomaregister disclosure_matrix --write`"
    )


def test_matrix_json_matches_the_articles(capsys):
    rows = _json(capsys)
    # art. 50: art. 15, art. 17 lid 1 and lid 2 onder a, b; a feed only for open applications
    art50 = rows["art50"]
    assert "grades" not in art50["fields"] and "birth_date" in art50["fields"]
    assert art50["scope_by_mode"] == {"request": "all", "subscription": "application"}
    assert art50["channels"] == ["api", "feed", "webhook"]
    # art. 40, 41, 51, 52: bulk only, pseudonymised, one row per person, a peildatum
    for code in ("art40", "art41", "art51", "art52"):
        assert rows[code]["modes"] == ["bulk_export"] and rows[code]["pseudonymised"]
        assert rows[code]["population"] == "persons" and rows[code]["peildatum"] == "day"
    # art. 26 lid 2: the age on the first day of each quarter
    assert rows["art26"]["peildatum"] == "quarter" and rows["art26"]["fields"] == [
        "age_on_peildatum"
    ]
    # art. 47: art. 15 onder c en e and art. 17, pseudonymised, no withdrawal reason
    assert {"gender", "death_date"} <= set(rows["art47"]["fields"])
    assert not {"family_name", "birth_date", "pgn", "withdrawal_reason"} & set(
        rows["art47"]["fields"]
    )
    # art. 28 lid 2: the application the institution handles, never "all"
    assert rows["art28_2"]["scope"] == "application"
    # aggregates: one published table each
    assert rows["art55"]["aggregate_table"] == ["sector", "kind", "year"]
    assert rows["holder"]["channels"] == ["portal", "extract"]
    assert rows["extract_verification"]["channels"] == ["verification"]
