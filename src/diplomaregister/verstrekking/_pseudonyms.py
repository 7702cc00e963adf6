"""Private to the engine. Pseudonyms for bases where the Besluit replaces the persoonsgebonden nummer "door een ander nummer
of een code op een zodanige wijze dat de onderwijsdeelnemer niet geïdentificeerd of identificeerbaar
is" (art. 23 lid 3, 26 lid 3, 40, 41, 47, 51, 52).

HMAC-SHA256 of the pgn under a key per recipient (derived from DIPLOMAREGISTER_DISCLOSURE_KEY and the
recipient's organisation code): stable for one recipient, different between recipients, so two
recipients cannot link their files, and not reversible without the register's key.
"""

from __future__ import annotations

from diplomaregister.core.keys import keyed_hash


def pseudonym(recipient_code: str, pgn: str) -> str:
    return keyed_hash(f"pseudonym:{recipient_code}", pgn)[:32]
