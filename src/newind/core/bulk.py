"""Bulk inserts: the one function every path that writes many rows at once goes through.

PostgreSQL gets `COPY … FROM STDIN` fed typed rows with psycopg's `Copy.write_row`, which escapes every value
itself, so no text can leave its field (a tab, newline, backslash or `\\N` in a cell is data, never
syntax). Other databases get one prepared INSERT run with `executemany`. Neither builds SQL or COPY text by
hand. Text holding NUL is refused first on every database: PostgreSQL cannot store it, and a figure must
read the same whichever database holds it.
"""

from __future__ import annotations

import itertools
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


# --- column-wise bulk insert (the 亩均 results: 20,000 rows of long JSON texts) ---------------------------

COPY_CHUNK = 1_000  # rows per block of COPY text handed to the sending thread (≈ 0.8 MB for 亩均 results)
SQLITE_CACHE_KIB = 262_144  # a 256 MiB page cache for the transaction: 20,000 results hold ≈ 25 MB of text


def insert_frame(model: type[models.Model], frame: pd.DataFrame, *,
                 constants: Mapping[str, object] | None = None) -> int:
    """`bulk_insert` built column-wise, for wide frames of long texts; same rows, same refusals.

    PostgreSQL: one `COPY … FROM STDIN` in the text format, its text built column by column with C-level
    maps (`copy_text_columns`: every field escaped, NULL as `\\N`), the rows joined in blocks of COPY_CHUNK
    and handed to psycopg's queued writer, whose thread sends a block while this one builds the next (the
    server parses, converts the JSON to jsonb and indexes the rows as they arrive).
    SQLite: one prepared INSERT run with executemany over the columns' tuples, with a page cache large
    enough that the transaction's pages stay in memory until the commit.
    """
    if frame.empty:
        return 0
    constants = dict(constants or {})
    refuse_nul_columns(model, frame, constants)
    full = frame.copy()
    if connection.vendor != "postgresql":  # datetimes as SQLite stores them (text)
        constants = {k: connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v
                     for k, v in constants.items()}
    for name, value in constants.items():
        full[name] = [value] * len(full) if value is not None else pd.Series([None] * len(full), dtype=object)
    if connection.vendor != "postgresql":
        return _sqlite_insert(model, full)
    from psycopg.copy import QueuedLibpqWriter

    quote = connection.ops.quote_name
    values = python_columns(full)
    names = ", ".join(quote(c) for c in full.columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor:
        with cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            # Block by block (one pass per block of rows, not per row): the server starts on the first
            # block while the text of the next ones is still being made.
            for start in range(0, len(full), COPY_CHUNK):
                block = copy_text_columns([c[start:start + COPY_CHUNK] for c in values])
                copy.write("\n".join(map("\t".join, zip(*block, strict=True))) + "\n")
    return len(frame)


# COPY's text format: a backslash, tab, newline or carriage return inside a field is written escaped, so
# no value is ever syntax (a field "\\N" or "\\." is data, never NULL or the end of the data).
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text_columns(columns: list[list[Any]]) -> list[list[str]]:
    """Each column (plain Python values, None for missing: `python_columns`) as its fields in COPY's text
    format: `str` of the value (a float's shortest round-trip repr, True/False, an ISO datetime), escaped,
    and `\\N` for None. Column-wise C-level work only: `map(str)`, one join to find the columns holding
    a character to escape, `map(str.translate)` over those, a numpy mask for the NULLs."""
    out: list[list[str]] = []
    for values in columns:
        text = list(map(str, values))
        joined = "".join(text)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            text = list(map(str.translate, text, itertools.repeat(_COPY_ESCAPES)))
        missing = np.array(values, dtype=object) == None  # noqa: E711 (element-wise, in C)
        if missing.any():
            fields = np.array(text, dtype=object)
            fields[missing] = "\\N"
            text = fields.tolist()
        out.append(text)
    return out


def _sqlite_insert(model: type[models.Model], full: pd.DataFrame) -> int:
    quote = connection.ops.quote_name
    cols = list(full.columns)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in cols)}) "
           f"VALUES ({', '.join(['%s'] * len(cols))})")
    rows = list(zip(*python_columns(full), strict=True))
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            for start in range(0, len(rows), SQLITE_CHUNK):
                cursor.executemany(sql, rows[start:start + SQLITE_CHUNK])
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
    return len(full)


def refuse_nul_columns(model: type[models.Model], frame: pd.DataFrame, constants: Mapping[str, object]) -> None:
    """`refuse_nul` with one C-level scan of each text column (its values joined, no loop per value)."""
    for col in frame.columns:
        series = frame[col]
        if series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
            continue
        values = series.dropna().tolist() if series.hasnans else series.tolist()
        try:
            hit = "\x00" in "".join(values)
        except TypeError:  # a non-text value in a text column: the careful path names the row
            hit = True
        if hit:
            refuse_nul(model, frame[[col]], {})
    refuse_nul(model, frame.iloc[0:0], constants)
