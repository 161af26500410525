"""Reads of the address register and the municipality → region table: the address search
(*adressökning*), the nearest address to a point, the municipalities.

The search asks the database for candidates (at most CANDIDATES_MAX, unordered, so that a
common prefix stops early instead of sorting the country) and ranks them in
places.search. SQLite matches the FTS5 table `places_address_fts`, PostgreSQL `LIKE` on
`folded` through its GIN trigram index (migration 0002); both parameterised.
"""

import math
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet, Value

from core.geo import distance_m

from .models import Address, Hospital, Municipality
from .search import Candidate, Query, candidates_rank, municipality_folds, query_parse
from .travel import TravelTime, travel_times_from

# Candidates fetched per query before ranking (an exact number is asked for first).
CANDIDATES_MAX = 300
# Word tokens shorter than this filter the candidates here, not in the database (when a
# longer one is there to find them), out of LATE_FACTOR times as many.
LATE_BELOW = 3
LATE_FACTOR = 4
# When the candidates of a street and number fill CANDIDATES_MAX, the asker's region (or the
# box this far around `near`) is asked once more, so its addresses are ranked even if the first
# fetch missed them (not for words alone: the next keystrokes narrow those, and a second
# fetch per keystroke would double the search's cost).
NEAR_BOX_M = 25_000
# A click on the map proposes the nearest register address within this distance.
NEAREST_MAX_M = 300
# The nearest by the flat-earth distance whose exact distance is compared.
NEAREST_CHECKED = 8


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


# What the ranking needs of a candidate: (id, street, number, letter, locality, municipality,
# folded, latitude, longitude, region code).
CandidateRow = tuple[int, str, str, str, str, str, str, float, float, str]


@dataclass(frozen=True)
class Area:
    """Where candidates are asked for a second time: a region's code, else a box (south,
    north, west, east)."""

    region: str = ""
    box: tuple[float, float, float, float] | None = None


def _area(near: tuple[float, float] | None, region: str) -> Area | None:
    if region:
        return Area(region=region.upper())
    if near:
        dlat = NEAR_BOX_M / 111_000
        dlon = dlat / max(math.cos(math.radians(near[0])), 0.01)
        return Area(box=(near[0] - dlat, near[0] + dlat, near[1] - dlon, near[1] + dlon))
    return None


def _area_sql(area: Area | None) -> tuple[str, list]:
    if area is None:
        return "", []
    if area.region:
        return " AND upper(r.code) = %s", [area.region]
    return (" AND a.latitude BETWEEN %s AND %s AND a.longitude BETWEEN %s AND %s",
            list(area.box))


def _candidates_sqlite(query: Query, exact: bool, limit: int,
                       area: Area | None = None) -> list[CandidateRow]:
    extra, params = _number_filter(query, exact)
    within, within_params = _area_sql(area)
    extra, params = extra + within, params + within_params
    sql = ("SELECT a.id, a.street, a.number, a.letter, a.locality, m.name, a.folded, "
           "a.latitude, a.longitude, r.code "
           "FROM places_address_fts f JOIN places_address a ON a.id = f.rowid "
           "JOIN places_municipality m ON m.id = a.municipality_id "
           "JOIN crews_region r ON r.id = m.region_id "
           f"WHERE places_address_fts MATCH %s{extra} LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_match(query), *params, limit])
        return cursor.fetchall()


def _candidates_like(query: Query, exact: bool, limit: int,
                     area: Area | None = None) -> list[CandidateRow]:
    """PostgreSQL (and any other backend): word prefixes as `folded LIKE '% tok%'`, which
    pg_trgm's GIN index answers. Django escapes %, _ and \\ in `contains`."""
    rows = Address.objects.order_by()
    if area and area.region:
        rows = rows.filter(municipality__region__code__iexact=area.region)
    elif area:
        rows = rows.filter(latitude__range=area.box[:2], longitude__range=area.box[2:])
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
    return list(rows.values_list("id", "street", "number", "letter", "locality",
                                 "municipality__name", "folded", "latitude", "longitude",
                                 "municipality__region__code")[:limit])


def _candidates(query: Query, exact: bool, limit: int,
                area: Area | None = None) -> list[CandidateRow]:
    if connection.vendor == "sqlite":
        return _candidates_sqlite(query, exact, limit, area)
    return _candidates_like(query, exact, limit, area)


def _candidates_found(query: Query, asked: Query, most: int,
                      area: Area | None = None) -> tuple[dict[int, CandidateRow], bool]:
    """The candidates by id, and whether a fetch stopped at `most` (some may be missing)."""
    found: dict[int, CandidateRow] = {}
    full = False
    if query.number:
        exact = _candidates(asked, True, most, area)
        found, full = {r[0]: r for r in exact}, len(exact) >= most
    # The exact number ranks above every number it starts (places.search): when there is
    # one, the numbers it starts ("1" → 10, 11, ...) are not asked for.
    if not found:
        rows = _candidates(asked, False, most, area)
        full = len(rows) >= most
        for r in rows:
            found.setdefault(r[0], r)
    return found, full


def _words_match(words: tuple[tuple[str, ...], ...], folded: str) -> bool:
    """Whether every word token starts a word of `folded` (as the database would match)."""
    return all(any(f" {a}" in folded for a in alternatives) for alternatives in words)


def query_searchable(text: str) -> bool:
    """Whether a query is long enough to be searched (register or geocoder)."""
    return query_parse(text).searchable


def address_search(*, text: str, limit: int = 10, near: tuple[float, float] | None = None,
                   region: str = "") -> list[AddressHit]:
    """The register's addresses matching a typed query, best first (places.search ranks).
    A query too short to search (places.search.QUERY_MIN_CHARS) finds nothing. Among equal
    matches, those in `region` (a region's code) and then those nearer to `near` (latitude,
    longitude: the console's map centre) come first."""
    query = query_parse(text)
    if not query.searchable:
        return []
    # One or two letters next to longer words ("stora torget 1 v") would make the database
    # merge the lists of every word starting with them: the longer words find the
    # candidates, the short ones filter them here, out of a larger number fetched.
    late = tuple(w for w in query.words if len(w[0]) < LATE_BELOW)
    early = tuple(w for w in query.words if len(w[0]) >= LATE_BELOW)
    asked, most = query, CANDIDATES_MAX
    if late and early:
        asked, most = replace(query, words=early), CANDIDATES_MAX * LATE_FACTOR
    found, full = _candidates_found(query, asked, most)
    area = _area(near, region)
    if full and area and query.number:
        nearby, _ = _candidates_found(query, asked, most, area)
        found.update(nearby)
    if asked is not query:
        found = {pk: r for pk, r in found.items() if _words_match(late, r[6])}
    if not found:
        return []
    candidates = [Candidate(street=r[1], number=r[2], letter=r[3], locality=r[4],
                            municipality=r[5], row=r[0], region=r[9],
                            distance_m=distance_m(near[0], near[1], r[7], r[8])
                            if near else None) for r in found.values()]
    best = [c.row for c in candidates_rank(query, candidates, limit, region=region)]
    rows = _rows().in_bulk(best)
    return [_hit(rows[pk]) for pk in best if pk in rows]


def address_nearest(*, latitude: float, longitude: float,
                    within_m: float = NEAREST_MAX_M) -> AddressHit | None:
    """The register's address nearest to a point, if one lies within `within_m`: a box on
    the position index, ordered in the database by the flat-earth distance (exact to well
    under a metre at this range, however many addresses a dense centre has in the box),
    then the exact distance of the first few."""
    dlat = within_m / 111_000
    scale = max(math.cos(math.radians(latitude)), 0.01)
    dlon = dlat / scale
    north = F("latitude") - Value(latitude)
    east = (F("longitude") - Value(longitude)) * Value(scale)
    rows = (_rows().filter(latitude__range=(latitude - dlat, latitude + dlat),
                           longitude__range=(longitude - dlon, longitude + dlon))
            .annotate(flat=ExpressionWrapper(north * north + east * east,
                                             output_field=FloatField()))
            .order_by("flat", "id")[:NEAREST_CHECKED])
    best = None
    for row in rows:
        d = distance_m(latitude, longitude, row.latitude, row.longitude)
        if d <= within_m and (best is None or d < best[0]):
            best = (d, row)
    return _hit(best[1], round(best[0], 1)) if best else None


def municipality_find(*, code: str = "", name: str = "") -> Municipality | None:
    """The municipality by its code, else by its name (folded: any case, with or without
    diacritics or "kommun"): the region of a place comes from it. None when neither
    matches."""
    code, name = code.strip(), name.strip()
    if code:
        return Municipality.objects.select_related("region").filter(code=code).first()
    return municipality_by_name(name) if name else None


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("name")


def municipality_by_name(name: str) -> Municipality | None:
    """The municipality of a name as typed, imported or written by a geocoder ("VÄSTERÅS",
    "vasteras", "Västerås kommun", "Enköpings kommun", "Oslo kommune"): the one lookup of a
    name, on `folded_name`'s index; the name as folded wins over its genitive-less form."""
    folds = municipality_folds(name)
    if not folds:
        return None
    found = list(Municipality.objects.select_related("region").filter(folded_name__in=folds)
                 .order_by("code"))
    for folded in folds:
        for municipality in found:
            if municipality.folded_name == folded:
                return municipality
    return None


@dataclass(frozen=True)
class HospitalOption:
    """A hospital as a destination to choose, with the ambulance's travel time to it from
    where the choice is made (None when no position was given)."""

    hospital: Hospital
    travel: TravelTime | None = None


def hospital_list(*, emergency_only: bool = False) -> QuerySet[Hospital]:
    """The active hospitals (*sjukhus*), by name."""
    queryset = Hospital.objects.filter(active=True).select_related("municipality__region")
    return queryset.filter(emergency=True) if emergency_only else queryset


def hospitals_by_travel_time(*, latitude: float, longitude: float,
                             emergency_only: bool = False) -> list[HospitalOption]:
    """The active hospitals nearest first by the ambulance's travel time from (latitude,
    longitude) to each: one travel_times_from call for all of them (one router request)."""
    hospitals = list(hospital_list(emergency_only=emergency_only))
    if not hospitals:
        return []
    times = travel_times_from(origin=(latitude, longitude),
                              destinations=[(h.latitude, h.longitude) for h in hospitals],
                              profile="ambulance")
    options = [HospitalOption(hospital=h, travel=t)
               for h, t in zip(hospitals, times, strict=True)]
    return sorted(options, key=lambda o: (o.travel.seconds, o.hospital.name))
