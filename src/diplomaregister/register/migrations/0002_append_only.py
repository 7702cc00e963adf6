"""On PostgreSQL, the version tables refuse UPDATE and DELETE: history is insert-only by law of the
register (corrections and withdrawals are new versions). SQLite, the embedded development default,
relies on the services alone. TRUNCATE (used by test-database flushes) is not affected."""

from django.db import migrations

TABLES = [
    "register_personversion",
    "register_enrolmentversion",
    "register_resultversion",
    "register_diplomaversion",
    "register_diplomagrade",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION register_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'register history is append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION register_refuse_change()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS register_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
