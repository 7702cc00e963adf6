from diplomaregister.verstrekking.tests.conftest import clock, world  # noqa: F401  (shared fixtures)
