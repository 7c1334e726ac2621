"""Bulk inserts: the one function every path that writes many rows at once goes through.

PostgreSQL gets `COPY … FROM STDIN` fed typed rows with psycopg's `Copy.write_row`, which escapes every value
itself, so no text can leave its field (a tab, newline, backslash or `\\N` in a cell is data, never
syntax). Other databases get one prepared INSERT run with `executemany`. Neither builds SQL or COPY text by
hand. Text holding NUL is refused first on every database: PostgreSQL cannot store it, and a figure must
read the same whichever database holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models

from newind.core.errors import AppError

SQLITE_CHUNK = 50_000


def bulk_insert(model: type[models.Model], frame: pd.DataFrame, *,
                constants: Mapping[str, object] | None = None) -> int:
    """Insert the frame's rows (columns named as the table's columns) plus `constants`; return the count.

    Raises AppError (400, nothing written) when a text value holds NUL, naming the row and the field.
    """
    if frame.empty:
        return 0
    constants = dict(constants or {})
    refuse_nul(model, frame, constants)
    table = model._meta.db_table
    cols = [*frame.columns, *constants]
    quote = connection.ops.quote_name
    # Datetimes as the backend stores them (SQLite: text; PostgreSQL: the aware datetime itself).
    fixed = tuple(connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v
                  for v in constants.values())
    rows = (row + fixed for row in zip(*python_columns(frame), strict=True))
    # Raw driver calls bypass Django's error translation: wrap them, so a concurrent writer's unique
    # violation is django.db.IntegrityError on every database (callers turn it into a 409).
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(quote(c) for c in cols)
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            batch: list[tuple[object, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == SQLITE_CHUNK:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    return len(frame)


def refuse_nul(model: type[models.Model], frame: pd.DataFrame, constants: Mapping[str, object]) -> None:
    """Raise AppError naming the first row and field (its Chinese name) whose text holds NUL."""
    labels = {f.column: str(f.verbose_name) for f in model._meta.concrete_fields}
    for col, value in constants.items():
        if isinstance(value, str) and "\x00" in value:
            raise _nul_error(f"「{labels.get(col, col)}」")
    for col in frame.columns:
        series = frame[col]
        if series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
            continue
        # Text columns repeat a lot (sources, units, reasons): look at each distinct value once.
        if not any(isinstance(v, str) and "\x00" in v for v in series.unique()):
            continue
        position = int(np.flatnonzero(series.map(lambda v: isinstance(v, str) and "\x00" in v).to_numpy())[0])
        raise _nul_error(f"第{position + 1}条数据的「{labels.get(col, col)}」")


def _nul_error(where: str) -> AppError:
    return AppError(f"{where}含有空字符（NUL），无法保存，未写入任何数据：请删除该字符后重试。", code="nul_character")


def python_columns(frame: pd.DataFrame) -> list[list[Any]]:
    """Each column as a list of plain Python values (int, float, bool, Decimal, str) with None for missing."""
    columns: list[list[Any]] = []
    for col in frame.columns:
        series = frame[col]
        if not series.hasnans:
            columns.append(series.to_numpy(dtype=object if series.dtype == "Int64" else None).tolist())
        elif series.dtype == np.float64:
            values = series.to_numpy()
            with_none = values.astype(object)
            with_none[np.isnan(values)] = None
            columns.append(with_none.tolist())
        else:
            columns.append(series.astype(object).where(series.notna(), None).tolist())
    return columns


def refresh_planner_statistics(model: type[models.Model]) -> None:
    """After a bulk load of millions of rows: refresh the query planner's statistics of the model's table
    (and, on PostgreSQL, its visibility map, which index-only scans need).

    PostgreSQL's autovacuum does this on its own a while after a load; SQLite never does (no automatic
    ANALYZE), and without statistics both pick plans for an empty table. Inside a transaction (a test) only
    ANALYZE runs: VACUUM cannot.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            cursor.execute("ANALYZE")  # the small tables too (units, links): cheap, and their counts matter
        else:
            cursor.execute("ANALYZE")
