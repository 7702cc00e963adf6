"""Page texts of /verifieren/ in Dutch and English (the PDF has its own, in rendering.py)."""

from __future__ import annotations

from django.utils.translation import get_language

TEXTS = {
    "nl": {
        "title": "Uittreksel controleren",
        "intro": "Heeft u een uittreksel uit het Diplomaregister gekregen? Controleer hier of het "
        "echt is en of de gegevens nog kloppen. U hoeft niet in te loggen.",
        "upload_legend": "Controleer het PDF-bestand",
        "upload_label": "Uittreksel (PDF)",
        "upload_hint": "Het originele bestand zoals u het kreeg, niet een afdruk of scan.",
        "upload_button": "Bestand controleren",
        "code_legend": "Of typ de verificatiecode",
        "code_label": "Verificatiecode",
        "code_hint": "20 tekens, bijvoorbeeld ABCD-EFGH-IJKL-MNOP-QRST (staat op het uittreksel).",
        "code_button": "Code controleren",
        "result": "Resultaat",
        "valid": "Geldig: het uittreksel is echt en de gegevens kloppen nog.",
        "sig_valid": "Handtekening geldig: ondertekend door het Diplomaregister, bestand ongewijzigd.",
        "sig_modified": "Ongeldig: het bestand is na ondertekening gewijzigd.",
        "sig_untrusted": "Ongeldig: niet ondertekend door het Diplomaregister.",
        "sig_not_signed": "Ongeldig: het bestand bevat geen handtekening van het Diplomaregister.",
        "sig_unreadable": "Ongeldig: dit is geen leesbaar PDF-bestand.",
        "not_found": "Geen uittreksel gevonden. Controleer de code of het bestand.",
        "code_note": "Met de code is het bestand zelf niet gecontroleerd: vergelijk de gegevens "
        "hieronder met het uittreksel dat u kreeg.",
        "issued": "Uittreksel gemaakt op",
        "holder": "Houder",
        "birth_date": "Geboortedatum",
        "diploma": "Diploma",
        "organisation": "Uitgereikt door",
        "date_of_issue": "Datum uitreiking",
        "status": "Stand in het register nu",
        "unchanged": "Ongewijzigd",
        "corrected": "Gecorrigeerd op {date}",
        "withdrawn": "Handtekening geldig, diploma ingetrokken op {date}",
        "withdrawn_plain": "Diploma ingetrokken op {date}",
        "withdrawn_undated": "Handtekening geldig, diploma ingetrokken",
        "withdrawn_plain_undated": "Diploma ingetrokken",
        "again": "Nog een uittreksel controleren",
        "too_many": "Te veel pogingen",
        "too_many_text": "U heeft te veel controles gedaan. Probeer het over {seconds} seconden "
        "opnieuw.",
        "too_large": "Het bestand is te groot voor een uittreksel.",
        "missing": "Kies een bestand of typ een code.",
    },
    "en": {
        "title": "Verify an extract",
        "intro": "Did you receive an extract from the Dutch Diploma Register? Check here that it "
        "is genuine and that its data is still correct. No login is needed.",
        "upload_legend": "Check the PDF file",
        "upload_label": "Extract (PDF)",
        "upload_hint": "The original file as you received it, not a printout or scan.",
        "upload_button": "Check file",
        "code_legend": "Or type the verification code",
        "code_label": "Verification code",
        "code_hint": "20 characters, e.g. ABCD-EFGH-IJKL-MNOP-QRST (printed on the extract).",
        "code_button": "Check code",
        "result": "Result",
        "valid": "Valid: the extract is genuine and its data is still correct.",
        "sig_valid": "Signature valid: signed by the Diploma Register, file unmodified.",
        "sig_modified": "Invalid: the file was changed after it was signed.",
        "sig_untrusted": "Invalid: not signed by the Diploma Register.",
        "sig_not_signed": "Invalid: the file has no signature of the Diploma Register.",
        "sig_unreadable": "Invalid: this is not a readable PDF file.",
        "not_found": "No extract found. Check the code or the file.",
        "code_note": "With the code the file itself was not checked: compare the data below with "
        "the extract you received.",
        "issued": "Extract made on",
        "holder": "Holder",
        "birth_date": "Date of birth",
        "diploma": "Diploma",
        "organisation": "Awarded by",
        "date_of_issue": "Date of issue",
        "status": "Status in the register now",
        "unchanged": "Unchanged",
        "corrected": "Corrected on {date}",
        "withdrawn": "Signature valid, diploma withdrawn on {date}",
        "withdrawn_plain": "Diploma withdrawn on {date}",
        "withdrawn_undated": "Signature valid, diploma withdrawn",
        "withdrawn_plain_undated": "Diploma withdrawn",
        "again": "Verify another extract",
        "too_many": "Too many attempts",
        "too_many_text": "You made too many checks. Try again in {seconds} seconds.",
        "too_large": "The file is too large to be an extract.",
        "missing": "Choose a file or type a code.",
    },
}


def texts(language: str | None = None) -> dict[str, str]:
    language = (language or get_language() or "nl")[:2]
    return TEXTS["en" if language == "en" else "nl"]
