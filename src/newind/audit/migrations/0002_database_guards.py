"""Database-level guards of the audit log (defence in depth below the model's refusals).

Both databases: UPDATE of an entry is refused by a trigger. PostgreSQL also refuses DELETE of entries newer
than the latest purge anchor (a purge creates its anchor first); on SQLite the DELETE guard is left out
because Django's test flush empties tables with DELETE (PostgreSQL uses TRUNCATE, which fires no row trigger).
A database owner can still drop the triggers; the hash chain is what then reveals an edit.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_update;"]

PG_UP = [
    """
    CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit log is append-only';
      END IF;
      IF OLD.id > (SELECT COALESCE(MAX(last_purged_id), 0) FROM audit_auditanchor) THEN
        RAISE EXCEPTION 'audit log entries can only be purged up to a purge anchor';
      END IF;
      RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON audit_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION audit_guard();",
]
PG_DOWN = ["DROP TRIGGER IF EXISTS audit_guard ON audit_auditentry;", "DROP FUNCTION IF EXISTS audit_guard();"]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
