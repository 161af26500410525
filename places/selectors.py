"""Reads of the address register and the municipality → region table."""

from .models import Municipality


def municipality_find(*, code: str = "", name: str = "") -> Municipality | None:
    """The municipality by its code, else by its name (any case): the region of a place
    comes from it. None when neither matches."""
    queryset = Municipality.objects.select_related("region")
    code, name = code.strip(), name.strip()
    if code:
        return queryset.filter(code=code).first()
    if name:
        return queryset.filter(name__iexact=name).first()
    return None
