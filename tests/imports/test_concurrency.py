"""Two imports of the same figures at once: the loser gets the same clean 409 on SQLite and PostgreSQL.

On PostgreSQL the loser's bulk write fails on the unique version key. The raw COPY used to bypass Django's
error translation, so the CLI printed a `psycopg.errors.UniqueViolation` traceback and the web confirm was
a 500; it is now `IntegrityError`, which `apply_import` turns into the conflict message.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from newind.cli import main
from newind.core.errors import AppError
from newind.imports import services as import_services
from newind.imports.services import CONFLICT, apply_import, prepare_import
from newind.indicators import services as indicator_services
from newind.indicators.models import ImportBatch, Observation

ROWS = [["地区", "年份", "指标", "数值", "计量单位"], ["岳阳市", 2016, "gdp", "3100.87", "亿元"],
        ["华容县", 2016, "gdp", "250.1", "亿元"]]


def _csv(tmp_path: Path) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(ROWS)
    path = tmp_path / "gdp.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def rival_writes_first(monkeypatch):  # type: ignore[no-untyped-def]
    """Between planning the versions and writing them, another writer stores the same versions: the
    race two overlapping imports run on PostgreSQL (read committed), made deterministic."""
    real = indicator_services.bulk_insert_observations

    def write_twice(rows):  # type: ignore[no-untyped-def]
        real(rows.assign(batch_id=None, created_by_id=None))  # the rival's rows, same keys and versions
        real(rows)

    monkeypatch.setattr(indicator_services, "bulk_insert_observations", write_twice)


@pytest.mark.django_db
def test_the_service_turns_a_unique_violation_into_the_conflict(reference_data, tmp_path, rival_writes_first):
    preview = prepare_import(_csv(tmp_path).read_bytes(), "gdp.csv")
    with pytest.raises(AppError) as excinfo:
        apply_import(preview)
    assert excinfo.value.status == 409 and excinfo.value.message == CONFLICT
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0  # nothing of the loser's
    assert Observation.objects.filter(year=2016).count() == 0


@pytest.mark.django_db
def test_the_web_confirm_is_a_409_page(reference_data, office_client, settings, tmp_path, rival_writes_first):
    settings.VAR_DIR = tmp_path / "var"
    page = office_client.post("/imports/", {"file": SimpleUploadedFile("gdp.csv", _csv(tmp_path).read_bytes())})
    form = page.context["confirm"]
    done = office_client.post("/imports/confirm/", {k: str(form.initial.get(k, "")) for k in form.fields})
    assert done.status_code == 409 and CONFLICT in done.content.decode()
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_the_cli_prints_the_conflict_and_exits_2(reference_data, tmp_path, rival_writes_first, capsys,
                                                 monkeypatch):
    # (run_from_argv closes every connection when a command ends, which would end the test's transaction)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    assert main(["import", str(_csv(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"错误：{CONFLICT}" and "Traceback" not in err
    assert Observation.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_real_imports_at_once_one_writes_the_other_gets_409(reference_data, tmp_path, monkeypatch):
    """The real race, with two connections. SQLite's IMMEDIATE transactions queue the second import, which
    then finds the figures changed (409 from the plan check); PostgreSQL lets both plan, and the second
    write hits the unique key (409 from IntegrityError)."""
    if connection.vendor != "postgresql":
        pytest.skip("只在 PostgreSQL 上运行：SQLite 的测试库在内存中，两个连接不能同时写入。")
    preview = prepare_import(_csv(tmp_path).read_bytes(), "gdp.csv")
    both_planned = threading.Barrier(2, timeout=20)
    real_plan = import_services.plan_observations

    def plan_then_wait(candidates):  # type: ignore[no-untyped-def]
        plan = real_plan(candidates)
        both_planned.wait()  # both transactions have read the (empty) versions before either writes
        return plan

    monkeypatch.setattr(import_services, "plan_observations", plan_then_wait)
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(apply_import(preview))
        except AppError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = [o for o in outcomes if isinstance(o, AppError)]
    batches = [o for o in outcomes if isinstance(o, ImportBatch)]
    assert len(batches) == 1 and len(errors) == 1
    assert errors[0].status == 409 and errors[0].message == CONFLICT
    assert ImportBatch.objects.count() == 1 and Observation.objects.filter(batch=batches[0]).count() == 2
    assert Observation.objects.count() == 2
