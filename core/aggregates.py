"""Aggregates the follow-up computes in the database, the same in both shapes: seconds
between two moments, and a percentile by PostgreSQL's `percentile_cont` (linear interpolation
between the two nearest ranks: the value at position p·(n − 1) of the sorted values). SQLite
has no such aggregate; `sqlite_functions_register` gives it one with the same definition, so
the embedded default and the production shape report the same figures."""

import json
import math

from django.db.models import Aggregate, Field, FloatField, Func


class SecondsBetween(Func):
    """`end − start` in seconds (a float): microseconds on PostgreSQL, milliseconds on SQLite
    (julianday's precision, rounded)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection,
            # date_part gives a double at once; EXTRACT's numeric took twice the time over
            # 400,000 rows (the station table's benchmark).
            template="date_part('epoch', %(expressions)s)",
            arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"ROUND((julianday({end[0]}) - julianday({start[0]})) * 86400.0, 3)"
        return sql, (*end[1], *start[1])


class PercentileCont(Aggregate):
    """The continuous percentile `fraction` (0.5: the median; 0.9: the 90th percentile) of
    the non-null values, as PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY
    expression)`; None when there are none."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0.0 <= float(fraction) <= 1.0:
            raise ValueError("fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        clone = self.copy()
        clone.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return super(PercentileCont, clone).as_sql(compiler, connection, **extra)


class _FloatList(Field):
    """A list of floats from the database: PostgreSQL's float8[] as it comes, SQLite's text."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class PercentilesCont(Aggregate):
    """Several percentiles of one group in one pass, as a list in the order of `fractions`
    (PostgreSQL's `percentile_cont(ARRAY[…]) WITHIN GROUP (ORDER BY …)`: one sort for all);
    None when there are no values. The same definition as PercentileCont, at half the cost
    for a median and a 90th percentile together (on SQLite, one call per row, not two)."""

    function = "percentile_cont"
    name = "PercentilesCont"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions, **extra):
        if not fractions or not all(0.0 <= float(f) <= 1.0 for f in fractions):
            raise ValueError("fractions are between 0 and 1")
        super().__init__(expression, fractions=", ".join(repr(float(f)) for f in fractions),
                         output_field=_FloatList(), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        clone = self.copy()
        clone.function = "percentiles_cont"
        clone.template = "%(function)s(%(expressions)s, '%(fractions)s')"
        return super(PercentilesCont, clone).as_sql(compiler, connection, **extra)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The definition both databases use, for values already in memory (and SQLite's)."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


class _SqlitePercentileCont:
    """SQLite's user-defined aggregate: keeps the group's values (one float each) and
    interpolates at the end."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


class _SqlitePercentilesCont(_SqlitePercentileCont):
    """`percentiles_cont(value, '0.5, 0.9')`: the group's percentiles as a JSON list."""

    def finalize(self) -> str | None:
        if not self.values:
            return None
        self.values.sort()
        return json.dumps([percentile_cont(self.values, float(f))
                           for f in str(self.fraction).split(",")])


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    """connection_created: give every SQLite connection `percentile_cont(value, fraction)` and
    `percentiles_cont(value, 'fraction, …')`."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, _SqlitePercentileCont)
        connection.connection.create_aggregate("percentiles_cont", 2, _SqlitePercentilesCont)
