"""The optional HTTP geocoder (*geokodare*): Nominatim's documented API, asked only when the
register has no match (settings.GEOCODER_URL; empty = none).

    GET {GEOCODER_URL}/search?q=..&format=jsonv2&addressdetails=1&limit=..&countrycodes=se,no
    GET {GEOCODER_URL}/reverse?lat=..&lon=..&format=jsonv2&addressdetails=1

Its answers take the register's shape (places.selectors.AddressHit, source "geocoder"), the
municipality looked up by name for the region (none when unknown). A geocoder that fails,
times out or answers nonsense gives no answer (the register's, empty): never an error to the
caller; logged once per outage (a warning when it starts, an info line when it ends).
"""

import logging
import math
import threading
import time

import httpx
from django.conf import settings

from .search import number_split
from .selectors import AddressHit, municipality_by_name

logger = logging.getLogger("places.geocoder")
USER_AGENT = "Larmkedjan (dispatch centre address search)"
_PLACE_KEYS = ("city", "town", "village", "hamlet", "suburb", "municipality")


class _Outage:
    """Whether the geocoder is failing now, so that an outage is logged once."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down = False
        self.failed_at = 0.0

    def allow(self) -> bool:
        """Not while a failure is fresh: a search as you type must not wait for the time-out
        at every keystroke."""
        return not self.down or \
            time.monotonic() - self.failed_at >= settings.GEOCODER_RETRY_SECONDS

    def failed(self, url: str, reason: str) -> None:
        with self._lock:
            first, self.down = not self.down, True
            self.failed_at = time.monotonic()
        if first:
            logger.warning("geocoder %s failed (%s): the register answers alone meanwhile",
                           url, reason)

    def answered(self, url: str) -> None:
        with self._lock:
            was, self.down = self.down, False
        if was:
            logger.info("geocoder %s answers again", url)


_outage = _Outage()


def geocoder_configured() -> bool:
    return bool(getattr(settings, "GEOCODER_URL", ""))


def _available() -> bool:
    return geocoder_configured() and _outage.allow()


def geocoder_reset() -> None:
    """Forget an outage (tests)."""
    _outage.down = False
    _outage.failed_at = 0.0


def _get(path: str, params: dict):
    base = settings.GEOCODER_URL.rstrip("/")
    url = f"{base}/{path}"
    try:
        response = httpx.get(url, params=params, timeout=settings.GEOCODER_TIMEOUT_SECONDS,
                             headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        _outage.failed(base, str(exc) or type(exc).__name__)
        return None
    _outage.answered(base)
    return answer


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _hit(place) -> AddressHit | None:
    """A Nominatim place as an AddressHit; None for anything without a usable position."""
    if not isinstance(place, dict):
        return None
    latitude, longitude = _float(place.get("lat")), _float(place.get("lon"))
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None
    address = place.get("address") if isinstance(place.get("address"), dict) else {}
    text = {k: str(v)[:120] for k, v in address.items() if isinstance(v, str | int)}
    street = text.get("road") or text.get("pedestrian") or str(place.get("name") or "")[:120]
    number, letter = number_split(text.get("house_number", ""))
    locality = next((text[k] for k in _PLACE_KEYS if text.get(k)), "")
    municipality = None
    for key in ("municipality", "city", "town", "village"):
        if text.get(key):
            municipality = municipality_by_name(text[key])
            if municipality:
                break
    return AddressHit(street=street, number=number[:10], letter=letter[:5],
                      postcode=text.get("postcode", "")[:10], locality=locality[:80],
                      municipality=municipality, latitude=latitude, longitude=longitude,
                      source="geocoder")


def geocoder_search(*, text: str, limit: int) -> list[AddressHit]:
    """The geocoder's places for a query (empty when none is configured or it failed)."""
    if not _available():
        return []
    answer = _get("search", {"q": text, "format": "jsonv2", "addressdetails": 1,
                             "limit": limit, "countrycodes": settings.GEOCODER_COUNTRIES})
    if answer is None:
        return []
    if not isinstance(answer, list):
        _outage.failed(settings.GEOCODER_URL, "not a list of places")
        return []
    return [h for h in (_hit(p) for p in answer[:limit]) if h is not None]


def geocoder_reverse(*, latitude: float, longitude: float) -> AddressHit | None:
    """The geocoder's address at a point (None when none is configured, it failed, or it
    knows nothing there: Nominatim answers {"error": ...})."""
    if not _available():
        return None
    answer = _get("reverse", {"lat": latitude, "lon": longitude, "format": "jsonv2",
                              "addressdetails": 1})
    if not isinstance(answer, dict) or "error" in answer:
        return None
    return _hit(answer)
