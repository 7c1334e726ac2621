"""Statement-level guards on both audit tables (see newind.audit.guards): TRUNCATE, UPDATE and DELETE of
the log and of its purge anchors are refused, except deletes up to a purge anchor (`newind audit purge`).

Replaces the row triggers of 0002, which a PostgreSQL TRUNCATE passed and which left SQLite deletes and the
anchor table unguarded. The SQL lives in newind.audit.guards so the tests' flush re-creates exactly this.
"""

import importlib

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from newind.audit import guards

    guards.install(schema_editor.connection)


def back_to_0002(apps, schema_editor):  # type: ignore[no-untyped-def]
    from newind.audit import guards

    guards.drop(schema_editor.connection)
    previous = importlib.import_module("newind.audit.migrations.0002_database_guards")
    up = {"sqlite": previous.SQLITE_UP, "postgresql": previous.PG_UP}
    for sql in up.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_database_guards")]

    operations = [migrations.RunPython(install, back_to_0002)]
