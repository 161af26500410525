"""Rows in bulk, past the ORM's per-value compilation (400,000 cases in minutes, not a
quarter of an hour): ids are given by the generator from each table's highest id at the
start (the tables locked on PostgreSQL), rows go in by COPY on PostgreSQL and executemany on
SQLite, and PostgreSQL's identity sequences are moved past them at the end."""

import json
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, models

from dispatch.models import Assignment, Call, Case, CaseChange
from followup.models import HospitalVisit

TABLES = {"calls": Call, "cases": Case, "assignments": Assignment, "changes": CaseChange,
          "visits": HospitalVisit}


def _sqlite_datetime(value: datetime) -> str:
    """As Django's SQLite backend stores an aware moment: naive UTC, ISO with a space."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _columns(model) -> list[tuple[str, str, object, object]]:
    """(attname, column, default as written, converter) for every concrete column."""
    made = []
    for f in model._meta.concrete_fields:
        default = f.get_default()
        if isinstance(f, models.JSONField):
            convert = json.dumps
        elif isinstance(f, models.DateTimeField) and connection.vendor == "sqlite":
            convert = _sqlite_datetime
        else:
            convert = None
        if convert is not None and default is not None:
            default = convert(default)
        made.append((f.attname, f.column, default, convert))
    return made


class RowWriter:
    """Writes the generator's rows (dicts by attname, ids included) table by table."""

    def __init__(self):
        self.columns = {name: _columns(model) for name, model in TABLES.items()}

    def ids_start(self) -> dict[str, int]:
        """The highest id of each table now (call inside the generator's transaction)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                tables = ", ".join(m._meta.db_table for m in TABLES.values())
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            ids = {}
            for name, model in TABLES.items():
                cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
                ids[name] = cursor.fetchone()[0] or 0
        return ids

    def write(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        columns = self.columns[name]
        table = TABLES[name]._meta.db_table
        tuples = []
        for row in rows:
            values = []
            for attname, _, default, convert in columns:
                if attname not in row:
                    values.append(default)
                    continue
                value = row[attname]
                values.append(value if convert is None or value is None else convert(value))
            tuples.append(values)
        names = ", ".join(connection.ops.quote_name(c) for _, c, _, _ in columns)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with connection.connection.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuples)

    def sequences_reset(self) -> None:
        """PostgreSQL's identity sequences past the ids given here (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(TABLES.values()))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
