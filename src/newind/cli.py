"""The `newind` console command: a thin front to the project's Django management commands.

`newind demo`, `newind import FILE`, `newind benchmark …`, `newind bench spine …`, `newind migrate`,
`newind serve` and every other management command. Each command first brings the database schema
up to date, so a fresh NEWIND_DATABASE_URL works without a separate step.
"""

from __future__ import annotations

import os
import sys

# Commands that must not migrate first (they create or inspect migrations, or only print help).
NO_AUTO_MIGRATE = {"makemigrations", "migrate", "help", "--help", "-h", "version", "--version", "check",
                   "sqlmigrate", "showmigrations", "bench"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newind.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command, execute_from_command_line

    from newind.core.errors import AppError

    if not argv:
        argv = ["help"]
    if argv[0] == "demo":
        # The demo may run on keys generated into the var directory (settings.local_key); nothing else may.
        os.environ["NEWIND_DEMO"] = "1"
    if argv[0] in {"version", "--version"}:
        from newind import __version__

        print(f"newind {__version__}")
        return 0
    django.setup()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    from newind.audit.context import command_line

    try:
        if argv[0] in {"serve", "runserver"}:
            from newind.accounts.keys import check_serving_keys

            check_serving_keys()
        # Every command, Django's own included (createsuperuser, changepassword, shell): what it writes
        # without a signed-in user is audited as `cli:<OS user>`.
        with command_line():
            if argv[0] not in NO_AUTO_MIGRATE and not any(a in {"-h", "--help"} for a in argv):
                ensure_database_ready(call_command)
            execute_from_command_line(["newind", *argv])
    except AppError as error:
        print(f"错误：{error.full_text()}", file=sys.stderr)
        return 2
    return 0


def ensure_database_ready(call_command) -> None:  # type: ignore[no-untyped-def]
    """Bring the schema up to date, and load the shipped reference data into an empty database.

    Migrates only when something is unapplied (so a command run inside an open transaction, as in
    tests, never opens a schema editor), and loads the reference units and the indicator catalogue
    when the catalogue is empty, so `newind import FILE` works on a brand-new database.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
    from newind.jobs.queue import ensure_queue_ready

    ensure_queue_ready()  # the job queue's tables (SQLite file or PostgreSQL), so pages can queue jobs
    from newind.indicators.models import Indicator

    if not Indicator.objects.exists():
        from newind.indicators.services import load_indicator_catalogue
        from newind.units.services import load_reference_units

        load_reference_units()
        load_indicator_catalogue()


if __name__ == "__main__":
    sys.exit(main())
