"""The assignment as both sides work it: the crew card's case in words (t('crew.card....')), and
the messages between the crew and the dispatch centre on the tablet (t('crew.messages....')) and
on the console (t('console.messages....'))."""

from django.utils.translation import gettext as _

from dispatch.models import CaseType, SceneFlag
from ivpa.models import ResponderKind

from .common import labels, plural


def crew_card() -> dict:
    """The case on the crew card: its type and scene flags in words, the door code, and the
    first responders on their way or there (crew-card.js, crew-responders.js)."""
    return {
        "case_type": labels(CaseType.choices),
        "scene_flag": labels(SceneFlag.choices),
        "door_code": _("Door code"),
        "warning": _("Warning"),
        "responders": {
            "title": _("First responders"),
            "on_the_way": _("On the way: {n}"),
            "arrived": _("Arrived: {n}"),
            "with_aed": _("With a defibrillator: {n}"),
            "kind": labels(ResponderKind.choices),
            "aed": _("with a defibrillator"),
            "expected": _("expected {time}"),
            "arrived_at": _("arrived {time}"),
        },
    }


def _messages() -> dict:
    return {
        "write": _("Write a message…"),
        "send": _("Send"),
        "acknowledge": _("Acknowledge"),
        "acknowledged": _("Acknowledged {time} by {name}"),
        "not_acknowledged": _("Not acknowledged"),
        "waiting": _("Waiting to send"),
        "centre": _("Dispatch centre"),
        "none": _("No messages yet."),
        "unread": plural("{n} unread", "{n} unread"),
    }


def crew_messages() -> dict:
    """Messages with the dispatch centre on the crew card (crew-messages.js)."""
    return {
        **_messages(),
        "title": _("Messages with the dispatch centre"),
        "new": _("Message from the dispatch centre: {text}"),
        "outbox": _("Message: {text}"),
        "quick_label": _("Quick replies"),
        # Quick replies, one tap each (crew-messages.js QUICK names the keys in order).
        "quick": {"understood": _("Understood"), "police": _("Need police"),
                  "unit": _("Need another unit"), "call": _("Call us"),
                  "not_found": _("Cannot find the patient")},
    }


def console_messages() -> dict:
    """Messages with a unit's crew on the console's assignment row (console-messages.js)."""
    return {
        **_messages(),
        "title": _("Messages with {unit}"),
        "new": _("Message from {unit}."),
        # Quick messages (console-messages.js QUICK names the keys in order).
        "quick": {"understood": _("Understood"), "police": _("Police are on their way"),
                  "wait": _("Wait for the police before going in"),
                  "call": _("Call the dispatch centre")},
    }
