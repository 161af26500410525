"""The largest id a row can have (DEFAULT_AUTO_FIELD is BigAutoField): an id sent beyond it
names no row, and PostgreSQL refuses it in a query ("out of range", a 500) instead of finding
nothing."""

ID_MAX = 2**63 - 1


def id_valid(value) -> bool:
    """`value` is a whole number a row's id could be."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX
