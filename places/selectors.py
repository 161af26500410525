"""Reads of the address register and the municipality → region table: the address search
(*adressökning*), the nearest address to a point, the municipalities.

The search asks the database for candidates (at most CANDIDATES_MAX, unordered, so that a
common prefix stops early instead of sorting the country) and ranks them in
places.search. SQLite matches the FTS5 table `places_address_fts`, PostgreSQL `LIKE` on
`folded` through its GIN trigram index (migration 0002); both parameterised.
"""

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from core.geo import distance_m

from .models import Address, Municipality
from .search import Candidate, Query, candidates_rank, query_parse

# Candidates fetched per query before ranking (an exact number is asked for first).
CANDIDATES_MAX = 300
# A click on the map proposes the nearest register address within this distance.
NEAREST_MAX_M = 300


@dataclass(frozen=True)
class AddressHit:
    """An address as the search answers it: from the register, or from the geocoder (no
    row; `municipality` and `region` then as far as they could be found)."""

    street: str
    number: str
    letter: str
    postcode: str
    locality: str
    municipality: Municipality | None
    latitude: float
    longitude: float
    source: str = "register"
    distance_m: float | None = None

    @property
    def label(self) -> str:
        place = self.locality or (self.municipality.name if self.municipality else "")
        head = " ".join(p for p in (self.street, f"{self.number}{self.letter}") if p)
        return ", ".join(p for p in (head, place) if p)


def _hit(address: Address, distance: float | None = None) -> AddressHit:
    return AddressHit(street=address.street, number=address.number, letter=address.letter,
                      postcode=address.postcode, locality=address.locality,
                      municipality=address.municipality, latitude=address.latitude,
                      longitude=address.longitude, distance_m=distance)


def _rows() -> QuerySet[Address]:
    return Address.objects.select_related("municipality__region").order_by()


def _fts_match(query: Query) -> str:
    """The FTS5 expression: every word token a prefix, its alternatives OR-ed. The tokens are
    folded letters and digits only, and quoted besides, so nothing typed is FTS5 syntax."""
    groups = []
    for alternatives in query.words:
        quoted = " OR ".join('"{}"*'.format(a.replace('"', '""')) for a in alternatives)
        groups.append(f"({quoted})")
    return " AND ".join(groups)


def _number_filter(query: Query, exact: bool) -> tuple[str, list]:
    if not query.number:
        return "", []
    if exact and query.letter:
        return " AND a.number = %s AND upper(a.letter) = %s", [query.number, query.letter]
    if exact:
        return " AND a.number = %s", [query.number]
    return " AND a.number LIKE %s", [query.number + "%"]


def _candidate_ids_sqlite(query: Query, exact: bool, limit: int) -> list[int]:
    extra, params = _number_filter(query, exact)
    sql = ("SELECT a.id FROM places_address_fts f JOIN places_address a ON a.id = f.rowid "
           f"WHERE places_address_fts MATCH %s{extra} LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_match(query), *params, limit])
        return [r[0] for r in cursor.fetchall()]


def _candidate_ids_like(query: Query, exact: bool, limit: int) -> list[int]:
    """PostgreSQL (and any other backend): word prefixes as `folded LIKE '% tok%'`, which
    pg_trgm's GIN index answers. Django escapes %, _ and \\ in `contains`."""
    rows = Address.objects.order_by()
    for alternatives in query.words:
        match = Q()
        for a in alternatives:
            match |= Q(folded__contains=" " + a)
        rows = rows.filter(match)
    if query.number and exact:
        rows = rows.filter(number=query.number)
        if query.letter:
            rows = rows.filter(letter__iexact=query.letter)
    elif query.number:
        rows = rows.filter(number__startswith=query.number)
    return list(rows.values_list("id", flat=True)[:limit])


def _candidate_ids(query: Query, exact: bool, limit: int) -> list[int]:
    if connection.vendor == "sqlite":
        return _candidate_ids_sqlite(query, exact, limit)
    return _candidate_ids_like(query, exact, limit)


def query_searchable(text: str) -> bool:
    """Whether a query is long enough to be searched (register or geocoder)."""
    return query_parse(text).searchable


def address_search(*, text: str, limit: int = 10) -> list[AddressHit]:
    """The register's addresses matching a typed query, best first (places.search ranks).
    A query too short to search (places.search.QUERY_MIN_CHARS) finds nothing."""
    query = query_parse(text)
    if not query.searchable:
        return []
    ids: list[int] = []
    if query.number:
        ids = _candidate_ids(query, True, CANDIDATES_MAX)
    # A letter typed ("12b") asks for that entrance; the prefix only when there is none.
    if len(ids) < CANDIDATES_MAX and not (ids and query.letter):
        seen = set(ids)
        ids += [i for i in _candidate_ids(query, False, CANDIDATES_MAX) if i not in seen]
    if not ids:
        return []
    rows = list(_rows().filter(pk__in=ids[:2 * CANDIDATES_MAX]))
    candidates = [Candidate(street=r.street, number=r.number, letter=r.letter,
                            locality=r.locality, municipality=r.municipality.name, row=r)
                  for r in rows]
    return [_hit(c.row) for c in candidates_rank(query, candidates, limit)]


def address_nearest(*, latitude: float, longitude: float,
                    within_m: float = NEAREST_MAX_M) -> AddressHit | None:
    """The register's address nearest to a point, if one lies within `within_m` (a box on
    the position index, then the exact distance)."""
    dlat = within_m / 111_000
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    rows = _rows().filter(latitude__range=(latitude - dlat, latitude + dlat),
                          longitude__range=(longitude - dlon, longitude + dlon))[:2000]
    best = None
    for row in rows:
        d = distance_m(latitude, longitude, row.latitude, row.longitude)
        if d <= within_m and (best is None or d < best[0]):
            best = (d, row)
    return _hit(best[1], round(best[0], 1)) if best else None


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


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("name")


def municipality_by_name(name: str) -> Municipality | None:
    """The municipality of a name as a geocoder writes it ("Västerås kommun", "Västerås")."""
    from .search import text_fold

    folded = text_fold(name)
    for suffix in (" kommun", " kommune", " municipality"):
        folded = folded.removesuffix(suffix)
    if not folded:
        return None
    for municipality in Municipality.objects.select_related("region"):
        if text_fold(municipality.name) == folded:
            return municipality
    return None
