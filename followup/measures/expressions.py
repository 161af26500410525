"""Small database expressions the measures are built of: which tertial of a report's window a
moment falls in, and a JSON string value as text (CaseChange.old_value), in both databases."""

from collections.abc import Sequence

from django.db.models import Case as Choose
from django.db.models import CharField, Func, IntegerField, Q, Value, When

from .periods import Tertial


def bucket(field: str, window: Sequence[Tertial]) -> Choose:
    """The index in `window` of the tertial `field` falls in (None outside it)."""
    return Choose(*[When(Q(**{f"{field}__gte": t.start, f"{field}__lt": t.end}), then=Value(i))
                    for i, t in enumerate(window)], default=None, output_field=IntegerField())


def in_window(field: str, window: Sequence[Tertial]) -> Q:
    return Q(**{f"{field}__gte": window[0].start, f"{field}__lt": window[-1].end})


class JsonText(Func):
    """A JSON scalar (a string such as "1A") as SQL text: `#>> '{}'` on PostgreSQL,
    json_extract on SQLite."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s #>> '{}')",
                              **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="json_extract(%(expressions)s, '$')",
                              **extra)
