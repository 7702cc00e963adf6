"""Writes src/diplomaregister/locale/nl/LC_MESSAGES/django.po from the table below and compiles it.

    .venv/bin/python scripts/nl_translations.py

Source strings are English (msgids in templates and code); Dutch is the default language of the
site. The compiled .mo is committed, so neither CI nor `make run` needs gettext.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nl_translations_rules import RULES_NL  # noqa: E402  (the delivery rules' messages)

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "diplomaregister"
    / "locale"
    / "nl"
    / "LC_MESSAGES"
)

NL = {
    # Diploma page: extended data, grade list, history (issue 13)
    "Earned, not yet awarded.": "Behaald, nog niet uitgereikt.",
    "The institution has not handed over this diploma yet. Until it does, only you see it here: it is not on extracts or share links and no organisation receives it.": "De instelling heeft dit diploma nog niet uitgereikt. Tot die tijd ziet alleen u het hier: het staat niet op uittreksels of deellinks en geen organisatie krijgt het.",
    "Grade list": "Cijferlijst",
    "Unit": "Onderdeel",
    "Credits (EC)": "Studiepunten (EC)",
    "Result": "Resultaat",
    "Date": "Datum",
    "History of this diploma": "Geschiedenis van dit diploma",
    "Known to the register since": "In het register sinds",
    "What happened": "Wat er gebeurde",
    "What changed": "Wat er veranderde",
    "Delivered by": "Geleverd door",
    "valid from": "geldig vanaf",
    "Diploma without grades": "Diploma zonder cijfers",
    "Skip to content": "Naar de inhoud",
    "Language": "Taal",
    "Switch": "Wissel",
    "Diplomaregister — open-source implementation of the Besluit register onderwijsdeelnemers.": "Diplomaregister — open-source uitvoering van het Besluit register onderwijsdeelnemers.",
    "Diplomaregister": "Diplomaregister",
    "The national register of diplomas and education results: institutions deliver, the register keeps every version, recipients receive exactly what the law allows, and holders see who looked at their data.": "Het landelijke register van diploma's en onderwijsresultaten: instellingen leveren, het register bewaart elke versie, afnemers krijgen precies wat de wet toestaat en diplomahouders zien wie hun gegevens heeft bekeken.",
    "Demo login": "Inloggen met demogegevens",
    "Locally the DigiD login is a mock: pick a BSN printed by <code>diplomaregister demo_persons</code> (or shown at the end of <code>make run</code>'s demo data step) and enter it on the mock login page; any password is accepted.": "Lokaal is de DigiD-login een nabootsing: kies een BSN dat <code>diplomaregister demo_persons</code> toont (of dat aan het eind van de demodata-stap van <code>make run</code> staat) en vul het in op de nagebootste inlogpagina.",
    "Mijn diploma's": "Mijn diploma's",
    "Holders log in with DigiD (mock locally).": "Diplomahouders loggen in met DigiD (lokaal nagebootst).",
    "Verify an extract": "Uittreksel controleren",
    "Employers check a signed extract, no login.": "Werkgevers controleren een ondertekend uittreksel, zonder inloggen.",
    "Institution portal": "Instellingsportaal",
    "Inzage and delivery status.": "Inzage en correctieverzoeken.",
    "API documentation": "API-documentatie",
    "OpenAPI (levering and verstrekking).": "OpenAPI (levering en verstrekking).",
    "Operator admin": "Beheer",
    "Read-mostly management, login required.": "Beheer (vooral lezen), inloggen verplicht.",
    "Diplomas to share": "Te delen diploma's",
    "Valid for (days)": "Geldig (dagen)",
    "Note for yourself": "Notitie voor uzelf",
    "My diplomas": "Mijn diploma's",
    "Share links": "Deellinks",
    "Who viewed my data": "Wie heeft mijn gegevens bekeken",
    "Log out": "Uitloggen",
    "Is something wrong?": "Klopt er iets niet?",
    "Describe what is wrong in 5 to 2000 characters.": "Beschrijf in 5 tot 2000 tekens wat er niet klopt.",
    "Tell the institution that awarded this diploma what is wrong": "Laat de instelling die dit diploma uitreikte weten wat er niet klopt",
    "Send correction request": "Correctieverzoek versturen",
    "This diploma was withdrawn.": "Dit diploma is ingetrokken.",
    "This diploma was corrected by the institution.": "Dit diploma is door de instelling gecorrigeerd.",
    "Awarded by": "Uitgereikt door",
    "Sector": "Sector",
    "Programme": "Opleiding",
    "Date of issue": "Datum van afgifte",
    "Exam date": "Examendatum",
    "Degree": "Graad",
    "Exam": "Examen",
    "Level": "Niveau",
    "Profile": "Profiel",
    "Grades (cijferlijst)": "Cijferlijst",
    "Subject": "Vak",
    "School exam": "Schoolexamen",
    "Central exam": "Centraal examen",
    "Final grade": "Eindcijfer",
    "Download extract of this diploma": "Uittreksel van dit diploma downloaden",
    "Every time the register gives your data to someone, it is written down here: schools and institutions, government bodies with the article of the law that allows it, people who opened your share links and employers who verified your extract.": "Elke keer dat het register uw gegevens aan iemand geeft, staat dat hier: scholen en instellingen, overheidsorganisaties met het wetsartikel dat het toestaat, mensen die uw deellink openden en werkgevers die uw uittreksel controleerden.",
    "When": "Wanneer",
    "Who": "Wie",
    "Why": "Waarom",
    "Which data": "Welke gegevens",
    "Outcome": "Uitkomst",
    "given": "verstrekt",
    "refused": "geweigerd",
    "Nobody else has viewed your data.": "Niemand anders heeft uw gegevens bekeken.",
    "born": "geboren",
    "Digital extract of all my diplomas (signed PDF)": "Digitaal uittreksel van al mijn diploma's (ondertekende pdf)",
    "Download extract": "Uittreksel downloaden",
    "withdrawn": "ingetrokken",
    "corrected": "gecorrigeerd",
    "The register holds no diplomas for you.": "Het register bevat geen diploma's van u.",
    "Share link not available": "Deellink niet beschikbaar",
    "Too many requests": "Te veel verzoeken",
    "This share link is not available": "Deze deellink is niet beschikbaar",
    "Please try again in a minute.": "Probeer het over een minuut opnieuw.",
    "The link does not exist, has expired or was revoked by the diploma holder.": "De link bestaat niet, is verlopen of is door de diplomahouder ingetrokken.",
    "Shared diplomas": "Gedeelde diploma's",
    "Diplomas shared with you": "Diploma's die met u zijn gedeeld",
    "%(name)s shares these diplomas from the Diplomaregister with you.": "%(name)s deelt deze diploma's uit het Diplomaregister met u.",
    "Born": "Geboren",
    "Download signed extract": "Ondertekend uittreksel downloaden",
    "This link was made by the diploma holder and expires on": "Deze link is gemaakt door de diplomahouder en verloopt op",
    "Your share link (shown only now; copy it):": "Uw deellink (alleen nu getoond; kopieer hem):",
    "Valid until": "Geldig tot",
    "Create share link": "Deellink maken",
    "Your share links": "Uw deellinks",
    "Link": "Link",
    "revoked": "ingetrokken",
    "valid until": "geldig tot",
    "Revoke": "Intrekken",
    "No share links yet.": "Nog geen deellinks.",
    "The register holds no diplomas for you. Diplomas are registered from 1996 (higher education), 2006 (secondary education) and 2007 (vocational education) onwards.": "Het register bevat geen diploma's van u. Diploma's staan in het register vanaf 1996 (hoger onderwijs), 2006 (voortgezet onderwijs) en 2007 (mbo).",
    "Look up documents": "Diploma's inzien",
    "Correction requests": "Correctieverzoeken",
    "Every look-up is logged and shown to the person concerned.": "Elke inzage wordt vastgelegd en aan de betrokkene getoond.",
    "Look up": "Inzien",
    "No documents under this basis.": "Geen diploma's onder deze grondslag.",
    "Institution portal: log in": "Instellingsportaal: inloggen",
    "Staff of schools and institutions log in with their account and the code from their authenticator app (two-factor authentication).": "Medewerkers van scholen en instellingen loggen in met hun account en de code uit hun authenticator-app (tweestapsverificatie).",
    "Username": "Gebruikersnaam",
    "Password": "Wachtwoord",
    "Authenticator code": "Code uit de authenticator-app",
    "Log in": "Inloggen",
    "Received": "Ontvangen",
    "Record key": "Kenmerk",
    "Status": "Status",
    "No requests.": "Geen verzoeken.",
    "Correction request": "Correctieverzoek",
    "Message from the holder": "Bericht van de diplomahouder",
    "Correct the document by delivering it again with the same record key (a new version); then answer here.": "Corrigeer het diploma door het opnieuw te leveren met hetzelfde kenmerk (een nieuwe versie) en antwoord daarna hier.",
    "Send answer": "Antwoord versturen",
    "BSN or onderwijsnummer": "BSN of onderwijsnummer",
    "Legal basis": "Grondslag",
    "No documents can be shown for this person under this legal basis.": "Onder deze grondslag kunnen voor deze persoon geen diploma's worden getoond.",
    "Answer to the holder": "Antwoord aan de diplomahouder",
    "Accessibility": "Toegankelijkheid",
    "Privacy": "Privacy",
    "Help": "Help",
    "Contact": "Contact",
    "Accessibility statement": "Toegankelijkheidsverklaring",
    "The Diplomaregister aims to meet WCAG 2.1 level AA (EN 301 549). Every page is tested automatically for its language, headings, labelled form controls, text alternatives and layout at 375 pixels wide.": "Het Diplomaregister wil voldoen aan WCAG 2.1 niveau AA (EN 301 549). Elke pagina wordt automatisch getest op taal, koppen, gelabelde formuliervelden, tekstalternatieven en opmaak bij 375 pixels breed.",
    "Something you cannot use or read? Tell us through the contact page; we answer within five working days.": "Kunt u iets niet gebruiken of lezen? Laat het ons weten via de contactpagina; we antwoorden binnen vijf werkdagen.",
    "Privacy statement": "Privacyverklaring",
    "The register holds your diplomas and education results because the Wet register onderwijsdeelnemers requires it. Schools and institutions deliver them; the register gives them only to the organisations an article of the Besluit register onderwijsdeelnemers names, and only the data that article allows.": "Het register bewaart uw diploma's en onderwijsresultaten omdat de Wet register onderwijsdeelnemers dat voorschrijft. Scholen en instellingen leveren ze aan; het register geeft ze alleen aan de organisaties die een artikel van het Besluit register onderwijsdeelnemers noemt, en alleen de gegevens die dat artikel toestaat.",
    'Every time your data is given to someone, it is written down. Log in to My diplomas to see who received which data, when and why. You may ask your school or institution to correct a diploma; use "Is something wrong?" on the diploma\'s page.': 'Elke keer dat uw gegevens aan iemand worden gegeven, wordt dat vastgelegd. Log in bij Mijn diploma\'s om te zien wie welke gegevens kreeg, wanneer en waarom. U kunt uw school of instelling vragen een diploma te corrigeren; gebruik "Klopt er iets niet?" op de pagina van het diploma.',
    "Log in to My diplomas with DigiD to see your diplomas, download a signed extract and share diplomas with a link.": "Log met DigiD in bij Mijn diploma's om uw diploma's te zien, een ondertekend uittreksel te downloaden en diploma's te delen met een link.",
    "Received an extract? Check it on the verification page with its code or by uploading the PDF: no login needed.": "Een uittreksel ontvangen? Controleer het op de controlepagina met de code of door de pdf te uploaden: inloggen is niet nodig.",
    "Questions about a diploma go to the school or institution that awarded it. Questions about the register itself go to the organisation that runs it; this open-source installation sets its contact details in its deployment.": "Vragen over een diploma stelt u aan de school of instelling die het uitreikte. Vragen over het register zelf stelt u aan de organisatie die het beheert; deze open-source installatie legt haar contactgegevens vast bij de inrichting.",
    "Track": "Leerweg",
    "From": "Vanaf",
    "Until": "Tot en met",
    "Recipient": "Ontvanger",
    "Everyone": "Iedereen",
    "Show": "Toon",
    "Download as CSV": "Download als CSV",
    "refused: nothing was given": "geweigerd: er is niets verstrekt",
    "How": "Hoe",
    "none": "geen",
    "Older": "Oudere",
    "What the register may give under this article": "Wat het register op grond van dit artikel mag verstrekken",
    "Nothing.": "Niets.",
    "The text of the Besluit register onderwijsdeelnemers is published on wetten.overheid.nl.": "De tekst van het Besluit register onderwijsdeelnemers staat op wetten.overheid.nl.",
    "Back to who viewed my data": "Terug naar wie mijn gegevens heeft bekeken",
    "Too many failed logins. Try again later.": "Te vaak een verkeerd wachtwoord of code. Probeer het later opnieuw.",
    # Error pages (core/templates/<status>.html, 403_csrf.html) and the holder's logout
    "Bad request": "Ongeldig verzoek",
    "Access denied": "Geen toegang",
    "Page not found": "Pagina niet gevonden",
    "Something went wrong": "Er ging iets mis",
    "Error 400": "Foutcode 400",
    "Error 403": "Foutcode 403",
    "Error 404": "Foutcode 404",
    "Error 429": "Foutcode 429",
    "Error 500": "Foutcode 500",
    "The register could not understand this request. Check the address, or go back and try again.": "Het register kon dit verzoek niet begrijpen. Controleer het adres, of ga terug en probeer het opnieuw.",
    "You may not see this page. If you were logged in, your session may have ended: log in again.": "U mag deze pagina niet zien. Was u ingelogd, dan is uw sessie misschien verlopen: log opnieuw in.",
    "This page does not exist (any more). Check the address, or start again from the home page.": "Deze pagina bestaat niet (meer). Controleer het adres, of begin opnieuw op de startpagina.",
    "You made too many requests in a short time. Please try again in a minute.": "U heeft in korte tijd te veel verzoeken gedaan. Probeer het over een minuut opnieuw.",
    "An error occurred in the register. Please try again in a few minutes.": "Er is een fout opgetreden in het register. Probeer het over een paar minuten opnieuw.",
    "Go to the home page of the Diplomaregister": "Naar de startpagina van het Diplomaregister",
    "The form could not be sent": "Het formulier kon niet worden verstuurd",
    "For your security the register checks that a form was sent from its own page. That check failed: the page was open too long, or your browser blocks cookies or hides where the form came from.": "Voor uw veiligheid controleert het register of een formulier vanaf zijn eigen pagina is verstuurd. Die controle mislukte: de pagina stond te lang open, of uw browser blokkeert cookies of verbergt waar het formulier vandaan kwam.",
    "Go back, reload the page and send the form again. If that does not help, allow cookies for this site.": "Ga terug, laad de pagina opnieuw en verstuur het formulier nog eens. Helpt dat niet, sta dan cookies toe voor deze site.",
    "Logged out": "Uitgelogd",
    "You are logged out of Mijn diploma's.": "U bent uitgelogd bij Mijn diploma's.",
    "Log in again with DigiD": "Opnieuw inloggen met DigiD",
}
PLURALS = {
    ("%(counter)s item", "%(counter)s items"): ("%(counter)s stuk", "%(counter)s stuks"),
    ("You viewed your own data %(counter)s time.", "You viewed your own data %(counter)s times."): (
        "U heeft uw eigen gegevens %(counter)s keer bekeken.",
        "U heeft uw eigen gegevens %(counter)s keer bekeken.",
    ),
    (
        "You made too many requests in a short time. Please try again in %(seconds)s second.",
        "You made too many requests in a short time. Please try again in %(seconds)s seconds.",
    ): (
        "U heeft in korte tijd te veel verzoeken gedaan. Probeer het over %(seconds)s seconde opnieuw.",
        "U heeft in korte tijd te veel verzoeken gedaan. Probeer het over %(seconds)s seconden opnieuw.",
    ),
}

# Issue 14: notices, share links, institution dashboard, operator overview.
NL.update(
    {
        "Hello,": "Beste,",
        "The Diplomaregister gave data about you to:": "Het Diplomaregister heeft gegevens over u gegeven aan:",
        "Why": "Waarom",
        "Through": "Via",
        "See everything in Mijn diploma's, under 'Who viewed my data':": "Alles staat in Mijn diploma's, onder 'Wie heeft mijn gegevens bekeken':",
        "Change or stop these notices:": "Deze meldingen wijzigen of stoppen:",
        "This message was sent automatically; do not reply to it.": "Dit bericht is automatisch verstuurd; u kunt er niet op antwoorden.",
        "A holder asked you to correct a document you delivered:": "Een diplomahouder vraagt u een document te corrigeren dat u heeft geleverd:",
        "record key": "recordsleutel",
        "Open the queue in the institution portal:": "Open de wachtrij in het instellingsportaal:",
        "Notices": "Meldingen",
        "Get an e-mail when the register gives your data to someone else: a school or institution, a government body, someone who opens your share link or checks your extract.": "Krijg een e-mail als het register uw gegevens aan iemand anders geeft: een school of instelling, een overheidsorganisatie, iemand die uw deellink opent of uw uittreksel controleert.",
        "Notices are on: once a day to %(email)s.": "Meldingen staan aan: één keer per dag naar %(email)s.",
        "Notices are on: at once to %(email)s.": "Meldingen staan aan: direct naar %(email)s.",
        "E-mail address": "E-mailadres",
        "How often": "Hoe vaak",
        "At once, for each look-up": "Direct, bij elke opvraging",
        "Once a day, all together": "Eén keer per dag, alles samen",
        "Save": "Opslaan",
        "Turn notices on": "Meldingen aanzetten",
        "Turn notices off": "Meldingen uitzetten",
        "Your notices": "Uw meldingen",
        "E-mailed": "Gemaild op",
        "Not e-mailed yet": "Nog niet gemaild",
        "No notices yet.": "Nog geen meldingen.",
    }
)
PLURALS.update(
    {
        (
            "Diplomaregister: your data was viewed",
            "Diplomaregister: your data was viewed %(counter)s times",
        ): (
            "Diplomaregister: uw gegevens zijn bekeken",
            "Diplomaregister: uw gegevens zijn %(counter)s keer bekeken",
        ),
        (
            "Diplomaregister: a new correction request",
            "Diplomaregister: %(counter)s new correction requests",
        ): (
            "Diplomaregister: een nieuw correctieverzoek",
            "Diplomaregister: %(counter)s nieuwe correctieverzoeken",
        ),
    }
)
NL.update(
    {
        "PIN needed": "Pincode nodig",
        "Enter the PIN of this share link": "Vul de pincode van deze deellink in",
        "The diploma holder protected this link with a PIN. Ask them for it.": "De diplomahouder heeft deze link met een pincode beveiligd. Vraag de diplomahouder erom.",
        "Too many wrong PINs. The link can be tried again in 15 minutes.": "Te veel verkeerde pincodes. Over 15 minuten kunt u het opnieuw proberen.",
        "PIN": "Pincode",
        "That PIN is not right.": "Die pincode klopt niet.",
        "Open": "Open",
        "Open the link": "Link openen",
        "Revoke share link": "Deellink intrekken",
        "Whoever has the link can no longer open it, at once. This cannot be undone; you can make a new link later.": "Wie de link heeft, kan hem meteen niet meer openen. Dit kunt u niet ongedaan maken; u kunt later een nieuwe link maken.",
        "This link is already revoked.": "Deze link is al ingetrokken.",
        "Yes, revoke": "Ja, intrekken",
        "No, keep it": "Nee, bewaren",
        "This page shows what the register holds now: a diploma corrected or withdrawn by the institution since the link was made shows as such.": "Deze pagina toont wat nu in het register staat: een diploma dat de instelling sinds het maken van de link heeft gecorrigeerd of ingetrokken, staat hier zo vermeld.",
        "Kind": "Soort",
        "Institution": "Instelling",
        "Grades": "Cijfers",
        "The holder shared these diplomas without grades, so no signed extract (which lists the grades) can be downloaded here.": "De diplomahouder deelt deze diploma's zonder cijfers; daarom kunt u hier geen ondertekend uittreksel (met de cijfers) downloaden.",
        "A share link lets someone, such as an employer, see the diplomas you choose, without logging in, until the link expires or you revoke it. Every time it is opened, you see it under 'Who viewed my data'.": "Met een deellink kan iemand, bijvoorbeeld een werkgever, de diploma's zien die u kiest, zonder in te loggen, tot de link verloopt of u hem intrekt. Elke keer dat de link wordt geopend, ziet u dat onder 'Wie heeft mijn gegevens bekeken'.",
        "The link was sent.": "De link is verstuurd.",
        "Your new share link": "Uw nieuwe deellink",
        "The link is shown only now. Copy it, e-mail it or let someone scan the QR code.": "De link wordt alleen nu getoond. Kopieer hem, mail hem of laat iemand de QR-code scannen.",
        "Open the share page": "Deelpagina openen",
        "Copy link": "Link kopiëren",
        "the PIN is needed to open it": "de pincode is nodig om hem te openen",
        "E-mail the link": "Link mailen",
        "Make a share link": "Deellink maken",
        "expired": "verlopen",
        "With grades": "Met cijfers",
        "Without grades": "Zonder cijfers",
        "with PIN": "met pincode",
        "last on": "laatst op",
        "Copied.": "Gekopieerd.",
        "QR code of the share link": "QR-code van de deellink",
        "Someone shares diplomas from the Diplomaregister with you. Open them here:": "Iemand deelt diploma's uit het Diplomaregister met u. Bekijk ze hier:",
        "The link is valid until": "De link is geldig tot",
        "You need the PIN the holder gives you to open it.": "U heeft de pincode nodig die de diplomahouder u geeft.",
        "Diplomas shared with you through the Diplomaregister": "Diploma's met u gedeeld via het Diplomaregister",
        "1 day": "1 dag",
        "1 week": "1 week",
        "30 days": "30 dagen",
        "3 months": "3 maanden",
        "6 months": "6 maanden",
        "1 year": "1 jaar",
        "Share the grades (cijferlijst) too": "Ook de cijferlijst delen",
        "Valid for": "Geldig gedurende",
        "PIN (optional, 4 to 8 digits)": "Pincode (niet verplicht, 4 tot 8 cijfers)",
        "A PIN has 4 to 8 digits.": "Een pincode heeft 4 tot 8 cijfers.",
        "Send the link to (e-mail address)": "Link sturen naar (e-mailadres)",
    }
)
PLURALS.update(
    {
        ("Opened %(counter)s time", "Opened %(counter)s times"): (
            "%(counter)s keer geopend",
            "%(counter)s keer geopend",
        ),
    }
)
NL.update(
    {
        "Overview": "Overzicht",
        "Deliver a file": "Bestand leveren",
        "Correct now": "Nu corrigeren",
        "The form shows the document as the register holds it. Saving delivers it again with the same record key, through the same checks as every delivery; the register keeps the old version. Fields not shown here are delivered empty unless you add them under other fields.": "Het formulier toont het document zoals het register het heeft. Opslaan levert het opnieuw met dezelfde recordsleutel, met dezelfde controles als elke levering; het register bewaart de oude versie. Velden die hier niet staan, worden leeg geleverd, tenzij u ze onder overige velden invult.",
        "The register did not accept the correction:": "Het register heeft de correctie niet geaccepteerd:",
        "Deliver the correction": "Correctie leveren",
        "Cancel": "Annuleren",
        "Delivery": "Levering",
        "processed": "verwerkt",
        "stopped; deliver the same file again to continue": "gestopt; lever hetzelfde bestand opnieuw om verder te gaan",
        "being processed": "wordt verwerkt",
        "Refresh": "Vernieuwen",
        "Feedback per record": "Terugkoppeling per record",
        "Download the feedback as CSV": "Terugkoppeling downloaden als CSV",
        "Record": "Record",
        "warning": "waarschuwing",
        "More": "Meer",
        "Every record was accepted without remarks.": "Elk record is zonder opmerkingen geaccepteerd.",
        "%(done)s of %(total)s records checked": "%(done)s van %(total)s records gecontroleerd",
        "deliveries": "leveringen",
        "new documents": "nieuwe documenten",
        "corrections": "correcties",
        "rejected records": "afgewezen records",
        "open correction requests": "openstaande correctieverzoeken",
        "Deliveries per week": "Leveringen per week",
        "As a table": "Als tabel",
        "Week of": "Week van",
        "Deliveries": "Leveringen",
        "Records": "Records",
        "Why records were rejected": "Waarom records zijn afgewezen",
        "Rule": "Regel",
        "No records were rejected.": "Er zijn geen records afgewezen.",
        "On time": "Op tijd",
        "Year": "Jaar",
        "Documents": "Documenten",
        "below target": "onder de norm",
        "No documents delivered in the last three years.": "De afgelopen drie jaar zijn geen documenten geleverd.",
        "Requests": "Verzoeken",
        "Share of documents the register received within the legal term after the date of issue; the target is %(target)s.": "Deel van de documenten dat het register binnen de wettelijke termijn na de datum van afgifte ontving; de norm is %(target)s.",
        "Search (record key, name, message)": "Zoeken (recordsleutel, naam, bericht)",
        "Diploma": "Diploma",
        "Message": "Bericht",
        "Your answer": "Uw antwoord",
        "Correct now opens the document as the register holds it; saving delivers it again with the same record key (a new version) and answers the holder. Or answer without correcting:": "Nu corrigeren opent het document zoals het register het heeft; opslaan levert het opnieuw met dezelfde recordsleutel (een nieuwe versie) en beantwoordt de diplomahouder. Of antwoord zonder te corrigeren:",
        "A CSV (semicolon or comma) or JSON Lines file with one record a line, with the fields of the delivery API. Every record is checked by the same rules as a delivery through the API; good records are kept when others are rejected. Delivering the same file again continues where it stopped.": "Een CSV-bestand (puntkomma of komma) of JSON Lines-bestand met één record per regel, met de velden van de leverings-API. Elk record wordt gecontroleerd met dezelfde regels als een levering via de API; goede records blijven bewaard als andere worden afgewezen. Hetzelfde bestand opnieuw leveren gaat verder waar het stopte.",
        "Deliver": "Leveren",
        "Recent deliveries": "Recente leveringen",
        "No deliveries yet.": "Nog geen leveringen.",
        "Sending the file…": "Het bestand wordt verstuurd…",
        "The register is checking the records…": "Het register controleert de records…",
        "Progress of the upload": "Voortgang van het versturen",
        "Records delivered per week (last 12 weeks)": "Geleverde records per week (laatste 12 weken)",
        "Rules broken most often by rejected records": "Regels die afgewezen records het vaakst overtraden",
        "Documents delivered within the legal term, per sector and year": "Documenten binnen de wettelijke termijn geleverd, per sector en jaar",
        "target %(target)s": "norm %(target)s",
        "Correction requests by status": "Correctieverzoeken per status",
        "Family name": "Achternaam",
        "Given names": "Voornamen",
        "Date of birth": "Geboortedatum",
        "Gender (M, V or X)": "Geslacht (M, V of X)",
        "Document kind (art. 16)": "Soort document (art. 16)",
        "Programme code": "Opleidingscode",
        "Exam type": "Soort examen",
        "MBO level": "Mbo-niveau",
        "MBO pathway": "Mbo-leerweg",
        "VO track": "Vo-leerweg",
        "Grades: one subject a line, code;name;school exam;central exam;final grade": "Cijfers: één vak per regel, code;naam;schoolexamen;centraal examen;eindcijfer",
        "Other fields (JSON object, optional)": "Overige velden (JSON-object, niet verplicht)",
        "Write the other fields as a JSON object.": "Schrijf de overige velden als een JSON-object.",
        "Being handled": "In behandeling",
        "Corrected": "Gecorrigeerd",
        "Declined": "Afgewezen",
        "Reference of the application you are handling (art. 28)": "Kenmerk van de aanvraag die u behandelt (art. 28)",
        "new": "nieuw",
        "unchanged": "ongewijzigd",
        "rejected": "afgewezen",
        "Batch file (.csv or .jsonl)": "Bestand (.csv of .jsonl)",
        "The first line (the CSV header) cannot be read.": "De eerste regel (de kopregel van het CSV-bestand) is niet te lezen.",
        "Use a .csv or .jsonl file.": "Gebruik een .csv- of .jsonl-bestand.",
    }
)
NL.update(
    {
        "Operator overview": "Overzicht voor beheer",
        "Disclosure log": "Verstrekkingenlog",
        "The hash chains are intact.": "De hashketens zijn intact.",
        "The hash chains are broken: run verify_log.": "De hashketens zijn verbroken: voer verify_log uit.",
        "Deliveries per day": "Leveringen per dag",
        "Disclosures per day": "Verstrekkingen per dag",
        "Day": "Dag",
        "Disclosures": "Verstrekkingen",
        "Disclosures per legal basis": "Verstrekkingen per grondslag",
        "No disclosures in the last 14 days.": "Geen verstrekkingen in de afgelopen 14 dagen.",
        "Late institutions": "Instellingen die te laat leveren",
        "Late": "Te laat",
        "Every institution meets the on-time target this year.": "Elke instelling haalt dit jaar de norm voor tijdig leveren.",
        "%(verified)s of %(head)s rows verified": "%(verified)s van %(head)s regels gecontroleerd",
        "Records delivered per day (last 14 days)": "Geleverde records per dag (laatste 14 dagen)",
        "Disclosures per day (last 14 days)": "Verstrekkingen per dag (laatste 14 dagen)",
        "Disclosures per legal basis (last 14 days)": "Verstrekkingen per grondslag (laatste 14 dagen)",
        "Institutions below the on-time target this year": "Instellingen onder de norm voor tijdig leveren dit jaar",
        "target": "norm",
    }
)
NL.update(
    {
        "Enter a BSN or onderwijsnummer.": "Vul een BSN of onderwijsnummer in.",
        "A BSN or onderwijsnummer consists of digits only.": "Een BSN of onderwijsnummer bestaat alleen uit cijfers.",
        "A BSN or onderwijsnummer has 9 digits.": "Een BSN of onderwijsnummer heeft 9 cijfers.",
        "The check digit of this number is wrong: check for a typing error.": "Het controlecijfer van dit nummer klopt niet: controleer of u een tikfout heeft gemaakt.",
        "An onderwijsnummer starts with 10.": "Een onderwijsnummer begint met 10.",
        "This is not a valid BSN or onderwijsnummer.": "Dit is geen geldig BSN of onderwijsnummer.",
    }
)
# end of issue 14 block
NL.update(RULES_NL)
# Leftovers of issues 13 and 14: named diplomas, the holder's correction requests.
NL.update(
    {
        "earned, not yet awarded": "behaald, nog niet uitgereikt",
        "Correction request pending": "Correctieverzoek in behandeling",
        "Your correction request was sent.": "Uw correctieverzoek is verstuurd.",
        "%(organisation)s will look at it and answer here; you can follow its status below.": "%(organisation)s bekijkt het en antwoordt hier; hieronder volgt u de status.",
        "Your correction requests": "Uw correctieverzoeken",
        "Sent on": "Verstuurd op",
        "Answer from the institution": "Antwoord van de instelling",
        "You already sent this request; the institution is still handling it. Its status is shown above.": "U heeft dit verzoek al verstuurd; de instelling behandelt het nog. De status staat hierboven.",
    }
)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        'msgid ""',
        'msgstr ""',
        quote("Content-Type: text/plain; charset=UTF-8\\n").replace("\\\\n", "\\n"),
        quote("Language: nl\\n").replace("\\\\n", "\\n"),
        quote("Plural-Forms: nplurals=2; plural=(n != 1);\\n").replace("\\\\n", "\\n"),
        "",
    ]
    for source, target in NL.items():
        lines += [f"msgid {quote(source)}", f"msgstr {quote(target)}", ""]
    for (one, many), (nl_one, nl_many) in PLURALS.items():
        lines += [
            f"msgid {quote(one)}",
            f"msgid_plural {quote(many)}",
            f"msgstr[0] {quote(nl_one)}",
            f"msgstr[1] {quote(nl_many)}",
            "",
        ]
    po = OUT / "django.po"
    po.write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(OUT / "django.mo"), str(po)], check=True)
    print(f"wrote {po} and django.mo ({len(NL) + len(PLURALS)} messages)")


if __name__ == "__main__":
    main()
