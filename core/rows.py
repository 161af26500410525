"""Model instances from the rows of a statement Django's ORM cannot write (an UPDATE ...
RETURNING that claims rows and returns them in the same statement)."""

from django.db import connections


def returning_columns(model, alias: str = "default") -> str:
    """The quoted columns of `model`'s table, in field order, for a RETURNING clause."""
    connection = connections[alias]
    table = connection.ops.quote_name(model._meta.db_table)
    return ", ".join(f"{table}.{connection.ops.quote_name(f.column)}"
                     for f in model._meta.concrete_fields)


def models_from_rows(model, rows, alias: str = "default") -> list:
    """Instances of `model` from rows that start with returning_columns(model) (anything
    after them is left for the caller: row[len(fields):]), each value converted as the ORM
    converts it (datetimes, JSON, booleans on SQLite)."""
    connection = connections[alias]
    fields = model._meta.concrete_fields
    cols = [f.get_col(model._meta.db_table) for f in fields]
    converters = [(col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
                  for col in cols]
    names = [f.attname for f in fields]
    out = []
    for row in rows:
        values = []
        for (col, funcs), value in zip(converters, row, strict=False):
            for func in funcs:
                value = func(value, col, connection)
            values.append(value)
        out.append(model.from_db(alias, names, values))
    return out
