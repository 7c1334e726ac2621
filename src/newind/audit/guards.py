"""Database guards of the audit tables: the database itself refuses to change or remove audit data.

PostgreSQL, statement-level triggers (a TRUNCATE fires no row trigger, so row triggers alone let it pass):
- `audit_auditentry`: UPDATE and TRUNCATE are refused; a DELETE is refused when it removes any entry newer
  than the latest purge anchor (checked once per statement over the deleted rows, a transition table), so
  `newind audit purge`, which writes its anchor first, is the one way to delete entries.
- `audit_auditanchor`: UPDATE, DELETE and TRUNCATE are refused.
SQLite has only row triggers and no TRUNCATE (a DELETE without WHERE still fires them): the same rules.

These guards stop mistakes and anyone without the owner's rights; the owner of the tables can drop them.
What then shows tampering is the keyed hash chain and the external anchors (`newind audit verify`).

Migrations call `install` (audit 0003). On SQLite, a later migration that alters one of these tables
rebuilds it and loses its triggers: such a migration must call `install` again (a test checks that every
trigger named here exists after all migrations). Tests that flush the database drop and re-install the
guards around the flush (tests/conftest.py); the application never does.
"""

from __future__ import annotations

from typing import Any

_REFUSED = "the audit log is append-only; old entries are removed only by newind audit purge"

PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION '% on % refused: {_REFUSED}', TG_OP, TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE FUNCTION audit_check_purge() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM removed
                 WHERE removed.id > (SELECT COALESCE(MAX(last_purged_id), 0) FROM audit_auditanchor)) THEN
        RAISE EXCEPTION 'DELETE on audit_auditentry refused: {_REFUSED}';
      END IF;
      RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_entry_purge_only AFTER DELETE ON audit_auditentry REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_check_purge()",
    "CREATE TRIGGER audit_anchor_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditanchor "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
]
PG_TRIGGERS = {"audit_entry_no_update": "audit_auditentry", "audit_entry_no_truncate": "audit_auditentry",
               "audit_entry_purge_only": "audit_auditentry", "audit_anchor_append_only": "audit_auditanchor",
               # the row trigger of audit migration 0002, replaced by the statement-level ones
               "audit_guard": "audit_auditentry"}
PG_FUNCTIONS = ["audit_refuse_change()", "audit_check_purge()", "audit_guard()"]

SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    f"BEGIN SELECT RAISE(ABORT, 'UPDATE on audit_auditentry refused: {_REFUSED}'); END",
    f"CREATE TRIGGER audit_entry_purge_only BEFORE DELETE ON audit_auditentry "
    f"WHEN OLD.id > (SELECT COALESCE(MAX(last_purged_id), 0) FROM audit_auditanchor) "
    f"BEGIN SELECT RAISE(ABORT, 'DELETE on audit_auditentry refused: {_REFUSED}'); END",
    f"CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_auditanchor "
    f"BEGIN SELECT RAISE(ABORT, 'UPDATE on audit_auditanchor refused: {_REFUSED}'); END",
    f"CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_auditanchor "
    f"BEGIN SELECT RAISE(ABORT, 'DELETE on audit_auditanchor refused: {_REFUSED}'); END",
]
# audit_no_update: the trigger of audit migration 0002, replaced by audit_entry_no_update
SQLITE_TRIGGERS = ["audit_entry_no_update", "audit_entry_purge_only", "audit_anchor_no_update",
                   "audit_anchor_no_delete", "audit_no_update"]
# The triggers `install` leaves, by vendor (what a check after all migrations expects to find).
INSTALLED = {"postgresql": {"audit_entry_no_update", "audit_entry_no_truncate", "audit_entry_purge_only",
                            "audit_anchor_append_only"},
             "sqlite": {"audit_entry_no_update", "audit_entry_purge_only", "audit_anchor_no_update",
                        "audit_anchor_no_delete"}}


def _execute(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection: Any) -> None:
    """Remove every audit guard (the current ones and those of migration 0002)."""
    if connection.vendor == "postgresql":
        _execute(connection, [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in PG_TRIGGERS.items()]
                 + [f"DROP FUNCTION IF EXISTS {fn}" for fn in PG_FUNCTIONS])
    elif connection.vendor == "sqlite":
        _execute(connection, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])


def install(connection: Any) -> None:
    """(Re-)create the guards; idempotent."""
    drop(connection)
    if connection.vendor == "postgresql":
        _execute(connection, PG_INSTALL)
    elif connection.vendor == "sqlite":
        _execute(connection, SQLITE_INSTALL)


def installed(connection: Any) -> set[str]:
    """The names of the audit guard triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                           "('audit_auditentry'::regclass, 'audit_auditanchor'::regclass)")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name IN ('audit_auditentry', 'audit_auditanchor')")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}
