from diplomaregister.extracts.tests.conftest import dev_pki  # noqa: F401  (shared fixtures)
from diplomaregister.verstrekking.tests.conftest import clock, world  # noqa: F401
