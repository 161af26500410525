"""Text as the address search (*adressökning*) sees it: folding, the query's tokens with the
street abbreviations expanded, and the ranking of the candidates the database found.

One fold for both sides: the register's `Address.folded` and the typed query go through
`text_fold`, so "Västerås", "VASTERAS" and "vasteras" are the same word. The database only
finds candidates (every word token a word prefix, the number token the street number);
`candidates_rank` orders them, so both backends (SQLite FTS5, PostgreSQL pg_trgm) rank alike.
Among equal matches the asker's region and then the nearer place come first (a street and
number typed without a town exists in many towns).

A municipality's name goes through the same fold (`municipality_fold`, also without
"kommun"), so "VÄSTERÅS", "vasteras" and "Västerås kommun" name one municipality.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# The longest query searched (after trimming); a longer one is refused (400).
QUERY_MAX_CHARS = 100
# Shorter queries (letters and digits, spaces not counted) answer an empty list: one or two
# letters match a good part of a country, and the console asks again at the next keystroke.
QUERY_MIN_CHARS = 3
# Words beyond these are not searched (a street, a number and a town take four or five).
QUERY_MAX_TOKENS = 8
RESULTS_DEFAULT = 10
RESULTS_MAX = 20

# Letters NFKD does not take apart (Norwegian and Danish ones, the German sharp s).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})
# Written abbreviations that punctuation folding would split: S:t Eriksgatan, St. Olofs gata.
_SANKT = re.compile(r"\b(?:s:t|st\.)(?=\s|$)")
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"^(\d{1,6})([a-z]?)$")

# Swedish street abbreviations (*förkortningar*), folded: a word typed alone ("Stora g 1"), or
# ending a compound ("Kungsgt 5", "Storv 3"). A typed token is searched as itself (a prefix)
# and as each expansion; expansions the token is already a prefix of add nothing.
STREET_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "g": ("gatan",),
    "gt": ("gatan",),
    "v": ("vagen",),
    "vg": ("vagen",),
    "pl": ("platsen", "plan"),
    "st": ("sankt",),
    "s": ("sodra",),
    "n": ("norra",),
    "o": ("ostra",),
}
# Compound endings expanded only after a word of at least this many letters ("Kungsgt").
_COMPOUND_MIN_STEM = 3
_COMPOUND_SUFFIXES = ("gt", "vg", "g", "v", "pl")


def text_fold(text: str) -> str:
    """Lower case without diacritics (å/ä→a, ö→o, é→e, ø→o), punctuation as spaces, one
    space between words."""
    text = _SANKT.sub("sankt", (text or "").lower())
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text).split())


_MUNICIPALITY_SUFFIXES = (" kommun", " kommune", " municipality", " stad")


def municipality_fold(name: str) -> str:
    """A municipality's name as stored for lookup (`Municipality.folded_name`): folded,
    without the "kommun"/"kommune"/"stad" a geocoder or a file may add ("Västerås kommun" →
    "vasteras")."""
    folded = text_fold(name)
    for suffix in _MUNICIPALITY_SUFFIXES:
        folded = folded.removesuffix(suffix)
    return folded


def municipality_folds(name: str) -> tuple[str, ...]:
    """The folded names a typed or imported name may be stored as, best first: as folded,
    then without a Swedish genitive s ("Enköpings kommun" → "enkopings", "enkoping";
    "Västerås" matches as folded first). Empty for an empty name."""
    folded = municipality_fold(name)
    if not folded:
        return ()
    if folded.endswith("s") and len(folded) > 2:
        return folded, folded[:-1]
    return (folded,)


def address_fold(*, street: str, locality: str, municipality: str) -> str:
    """`Address.folded`: the words searched, each once, after a leading space, so that
    `LIKE '% sto%'` finds a word that starts with "sto" (street, locality, municipality)."""
    words: list[str] = []
    for part in (street, locality, municipality):
        for word in text_fold(part).split():
            if word not in words:
                words.append(word)
    return " " + " ".join(words)


def number_split(value: str) -> tuple[str, str]:
    """("12", "B") from "12b" or "12 B"; ("", "") for no number; the text as number else."""
    text = (value or "").strip().replace(" ", "")
    match = _NUMBER.match(text.lower())
    if match:
        return match.group(1), match.group(2).upper()
    return text, ""


def _alternatives(token: str) -> tuple[str, ...]:
    found = [token, *STREET_ABBREVIATIONS.get(token, ())]
    for suffix in _COMPOUND_SUFFIXES:
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= _COMPOUND_MIN_STEM:
            found.extend(stem + full for full in STREET_ABBREVIATIONS[suffix])
    # A prefix already finds every word its longer alternatives would.
    kept = [a for a in found if not any(a != b and a.startswith(b) for b in found)]
    return tuple(dict.fromkeys(kept))


@dataclass(frozen=True)
class Query:
    """A typed query: word tokens (each a tuple of alternatives, any of which may start a
    word) and the street number and letter, if one was typed."""

    words: tuple[tuple[str, ...], ...] = ()
    number: str = ""
    letter: str = ""
    text: str = ""
    searchable: bool = field(default=False)


def query_parse(text: str) -> Query:
    """The tokens of a query (assumed already within QUERY_MAX_CHARS). The first token that
    is a number (with a letter, "12b") is the street number; later numbers are ignored."""
    folded = text_fold(text)
    words: list[tuple[str, ...]] = []
    number = letter = ""
    for token in folded.split()[:QUERY_MAX_TOKENS]:
        match = _NUMBER.match(token)
        if match:
            if not number:
                number, letter = match.group(1), match.group(2).upper()
            continue
        if token.isdigit():
            continue
        words.append(_alternatives(token))
    letters = len(folded.replace(" ", ""))
    return Query(words=tuple(words), number=number, letter=letter, text=folded,
                 searchable=bool(words) and letters >= QUERY_MIN_CHARS)


def _natural(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**9, number)


@dataclass
class Candidate:
    """What the ranking needs of a row the database found (the row itself rides along):
    `region` the code of the region serving it, `distance_m` from the asker's point (None
    when no point was given)."""

    street: str
    number: str
    letter: str
    locality: str
    municipality: str
    row: object = None
    region: str = ""
    distance_m: float | None = None


@lru_cache(maxsize=16384)
def _fold_cached(text: str) -> str:
    """The ranking folds the same street and town names over and over."""
    return text_fold(text)


def candidate_key(query: Query, c: Candidate, *, region: str = "",
                  place_distance: float = 0.0) -> tuple:
    """Best first: the exact street and number; then the exact number; then the street's
    words typed whole; then more words matching the locality or municipality; then a match at
    the street's start; then in the asker's `region`; then the nearer place (`place_distance`,
    the street's nearest address in that town, so that one town's numbers stay in order);
    then by street, number (numerically) and letter."""
    street_folded = _fold_cached(c.street)
    street_words = street_folded.split()
    place_words = f"{_fold_cached(c.locality)} {_fold_cached(c.municipality)}".split()
    whole = set()
    place_hits = 0
    starts = False
    for alternatives in query.words:
        if any(a in street_words for a in alternatives):
            whole.update(a for a in alternatives if a in street_words)
        if street_words and any(street_words[0].startswith(a) for a in alternatives):
            starts = True
        if any(w.startswith(a) for w in place_words for a in alternatives):
            place_hits += 1
    street_exact = bool(street_words) and set(street_words) <= whole
    if not query.number:
        number_rank = 0
    elif c.number == query.number and c.letter.upper() == query.letter:
        number_rank = 0
    elif c.number == query.number:
        number_rank = 1
    else:
        number_rank = 2
    return (0 if street_exact and number_rank == 0 else 1, number_rank,
            0 if street_exact else 1, -place_hits, 0 if starts else 1,
            0 if not region or c.region.upper() == region.upper() else 1, place_distance,
            street_folded, _natural(c.number), c.letter, _fold_cached(c.locality))


def _place(c: Candidate) -> tuple[str, str, str]:
    return _fold_cached(c.street), _fold_cached(c.locality), _fold_cached(c.municipality)


def candidates_rank(query: Query, candidates: list[Candidate], limit: int, *,
                    region: str = "") -> list[Candidate]:
    """The best `limit` candidates; `region` (a region's code) and the candidates'
    `distance_m` break ties between equal matches, the asker's region and nearer towns
    first."""
    nearest: dict[tuple[str, str, str], float] = {}
    for c in candidates:
        if c.distance_m is not None:
            place = _place(c)
            nearest[place] = min(nearest.get(place, c.distance_m), c.distance_m)
    return sorted(candidates, key=lambda c: candidate_key(
        query, c, region=region, place_distance=nearest.get(_place(c), 0.0)))[:limit]
