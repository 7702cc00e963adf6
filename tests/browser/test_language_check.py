"""The browser test's language check itself (no browser): it reports text of the other language
and lets names and short mixed phrases through."""

from tests.browser.test_every_page import foreign_text


def test_finds_english_on_dutch_pages_and_dutch_on_english_pages():
    assert foreign_text(["The BSN check digit is wrong.", "Invalid token for this link"], "nl") == [
        "The BSN check digit is wrong.", "Invalid token for this link"]  # fmt: skip
    assert foreign_text(["Het controlecijfer van dit nummer klopt niet."], "en") != []
    assert foreign_text(["In behandeling bij de instelling"], "en") != []


def test_lets_names_and_own_language_through():
    assert foreign_text(["Master of Science Computer Science — Universiteit Testdam"], "nl") == []
    assert foreign_text(["Uw deellink is geldig tot 5 maart 2025."], "nl") == []
    assert foreign_text(["Your share link is valid until 5 March 2025."], "en") == []
