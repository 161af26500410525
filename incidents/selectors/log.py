"""The log's words in the reader's language: a row keeps its source message (text) and its
params (data["params"]); rows from before that keep their words as written."""

from django.utils.translation import gettext

from ..models import IncidentLogEntry


def _param(value):
    if isinstance(value, dict):
        if "t" in value:
            words = gettext(value["t"])
            return words.lower() if value.get("lower") else words
        if "list" in value:
            return value.get("sep", ", ").join(str(_param(v)) for v in value["list"])
    return value


def log_text(entry: IncidentLogEntry) -> str:
    """The step in the active language; the source message when a translation does not fit
    its params (a translator's slip never hides a step)."""
    params = (entry.data or {}).get("params")
    if params is None:
        return entry.text
    values = {name: _param(value) for name, value in params.items()}
    for message in (gettext(entry.text), entry.text):
        try:
            return message % values
        except (KeyError, ValueError, TypeError):
            continue
    return entry.text
