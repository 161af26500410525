"""Times as the product passes them around: ISO 8601 in event payloads, and how far ahead
of the server a device's clock may be when it says when something happened."""

from datetime import datetime, timedelta

# A time a device sends (a status, a position, a visit) may be this far in the future: its
# clock runs a little ahead. Anything later is refused as a time that has not come yet.
CLOCK_SKEW = timedelta(seconds=60)


def iso(value: datetime | None) -> str | None:
    """An event's time field: ISO 8601, or None when the time is not set."""
    return value.isoformat() if value else None
