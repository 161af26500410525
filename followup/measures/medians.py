"""The median measures (1 and 2) in one statement each: every region and tertial's median, the
pooled medians the tests compare with (the centre, the other regions, the previous
tertials), and Mood's counts above a pooled median.

A pooled figure is the median of the values of several regions and tertials together, which
no sum of the cells gives, and measure 2 may take some cells from the call log and others
from the cases. So the values are one derived table, the UNION ALL of the sources (each a
queryset of `rg` region, `t` moment, `v` seconds), materialised once (a CTE); each group is a
FILTER of one aggregate; the counts above a median read the medians of the same statement.
The median is core.aggregates.PercentileCont (PostgreSQL's `percentile_cont(0.5)`, and on
SQLite the aggregate of the same definition registered on every connection)."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, F, QuerySet
from django.db.models.expressions import RawSQL

from core.aggregates import PercentileCont
from crews.models import Region

from .expressions import bucket
from .periods import Tertial


@dataclass(frozen=True)
class Group:
    """The values of `regions` in the tertials `first` to `last` (indexes in the window)."""

    regions: tuple[int, ...]
    first: int
    last: int


def source(queryset: QuerySet, *, moment: str, value, window: list[Tertial]) -> QuerySet:
    """A source of the derived table: `queryset`'s rows as (rg region, t the index of the
    window's tertial `moment` falls in, v seconds)."""
    return (queryset.annotate(rg=F("region_id"), t=bucket(moment, window), v=value)
            .values_list("rg", "t", "v").order_by())


def _derived(sources: list[QuerySet]) -> tuple[str, list]:
    parts, params = [], []
    for qs in sources:
        sql, p = qs.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{len(parts)}")
        params.extend(p)
    return " UNION ALL ".join(parts), params


def _where(group: Group) -> tuple[str, list]:
    if not group.regions:
        return "1 = 0", []
    marks = ", ".join(["%s"] * len(group.regions))
    return f"s.rg IN ({marks}) AND s.t BETWEEN %s AND %s", [*group.regions, group.first,
                                                             group.last]


def _aggregate_sql(aggregate, where: str, params: list) -> tuple[str, list]:
    """`aggregate` of the derived table's `v` over the rows `where` holds, as this database
    writes it (core.aggregates.PercentileCont: PostgreSQL's syntax or SQLite's)."""
    compiler = Region.objects.none().query.get_compiler(connection=connection)
    return compiler.compile(aggregate(RawSQL("s.v", ()), filter=RawSQL(
        where, params, output_field=BooleanField())))


def _median(value, **extra):
    return PercentileCont(value, 0.5, **extra)


def median_figures(sources: list[QuerySet], groups: dict, above: dict) -> tuple[dict, dict]:
    """({key: (median or None, count)} for each Group of `groups`, {key: how many values of
    the group are above the median of groups[of]} for `above` of {key: (Group, of)})."""
    if not sources:
        return {key: (None, 0) for key in groups}, dict.fromkeys(above, 0)
    keys = list(groups)
    pooled_cols, pooled_params = [], []
    for i, key in enumerate(keys):
        for name, aggregate in ((f"m{i}", _median), (f"n{i}", Count)):
            sql, params = _aggregate_sql(aggregate, *_where(groups[key]))
            pooled_cols.append(f"{sql} AS {name}")
            pooled_params += params
    above_cols, above_params = [], []
    for j, (group, of) in enumerate(above.values()):
        where, params = _where(group)
        above_cols.append(f"COUNT(*) FILTER (WHERE {where} AND s.v > (SELECT p.m{keys.index(of)} "
                          f"FROM p)) AS a{j}")
        above_params += params
    table, table_params = _derived(sources)
    # Null values are left out by the aggregates themselves (COUNT(v), percentile_cont).
    sql = (f"WITH s AS MATERIALIZED ({table}), "
           f"p AS (SELECT {', '.join(pooled_cols)} FROM s) "
           f"SELECT p.*, a.* FROM p CROSS JOIN (SELECT {', '.join(above_cols) or '0 AS a'} "
           f"FROM s) AS a")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*table_params, *pooled_params, *above_params])
        row = cursor.fetchone()
    medians = {key: (row[2 * i], row[2 * i + 1] or 0) for i, key in enumerate(keys)}
    counts = {key: row[2 * len(keys) + j] or 0 for j, key in enumerate(above)}
    return medians, counts
