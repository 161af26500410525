"""Who may subscribe to which stream, and who is woken for which events. Domain apps
register an authorizer per stream kind (and recipients and notifications), so the event
stream itself knows no domain."""

import math
from collections.abc import Callable, Iterable

Authorizer = Callable[[object, str], bool]
Followed = Callable[[object], Iterable[str]]
_authorizers: dict[str, Authorizer] = {}
_followed: dict[str, Followed] = {}


def register_stream_kind(kind: str, authorizer: Authorizer, *,
                         followed: Followed | None = None) -> None:
    """authorizer(user, stream): whether the user may subscribe to a stream of this kind.
    followed(user): the streams of this kind the user's screen follows from the start (what
    `/api/me/` tells it), e.g. the unit the crew member joined."""
    _authorizers[kind] = authorizer
    if followed is not None:
        _followed[kind] = followed
    else:
        _followed.pop(kind, None)


def may_subscribe(user, stream: str) -> bool:
    from .schema import stream_kind

    authorizer = _authorizers.get(stream_kind(stream))
    if authorizer is None or user is None or not user.is_authenticated:
        return False
    return bool(authorizer(user, stream))


def streams_followed(user) -> list[str]:
    """Every stream a user's screen follows from the start, asked of the apps that registered
    the kinds (in the order they registered them), each one allowed by its authorizer."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    found: list[str] = []
    for kind, followed in _followed.items():
        for stream in followed(user):
            if stream not in found and _authorizers[kind](user, stream):
                found.append(stream)
    return found


def signed_in_until(user, session_key: str | None, token_id: int | None = None) -> float | None:
    """Until when a socket's user may receive events (a Unix time; inf: no end known), or
    None when no longer: for an integration, until its token expires (None: revoked, expired,
    deleted); for a browser, until its session's absolute timeout (None: signed out, gone,
    its password changed: accounts.sessions); the account active either way."""
    from django.contrib.auth import get_user_model

    if token_id is not None:
        from accounts.services import api_token_live_until

        return api_token_live_until(token_id=token_id)
    current = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if current is None:
        return None
    if session_key is None:
        return math.inf
    from accounts.sessions import session_signed_in_until

    return session_signed_in_until(user=current, session_key=session_key)


# --- Who is woken when a socket did not see an event in time ---------------------------------
# A domain app says, per stream kind, who the people behind a stream are, which event types
# are worth waking them for and what to tell them (a title and a line, never patient data),
# and which later events end what a notification was about (its tag). A delivering app (push)
# registers a notifier; event_publish hands it those events in the publisher's transaction.
# The event stream itself knows none of them.

Recipients = Callable[[str], Iterable[int]]
Render = Callable[[dict], dict]
TagOf = Callable[[dict], str | None]
_recipients: dict[str, Recipients] = {}
_recipients_when_due: set[str] = set()
_notifications: dict[tuple[str, str], Render] = {}
_withdrawals: dict[tuple[str, str], TagOf] = {}
_notifiers: list[tuple[Callable[..., None], Callable[..., None]]] = []


def register_recipients(kind: str, recipients: Recipients, *, when_due: bool = False) -> None:
    """recipients(stream) -> ids of the users a stream of this kind is meant for.
    `when_due`: they are found when the wake-up is due, not when the event is published
    (a query off the path that delays an alert; who is on a unit when its crew is woken is
    who should be woken): the notifier gets None for the user ids."""
    _recipients[kind] = recipients
    if when_due:
        _recipients_when_due.add(kind)
    else:
        _recipients_when_due.discard(kind)


def register_notification(kind: str, type: str, render: Render) -> None:
    """Events of `type` on streams of `kind` wake their recipients: render(event) -> the
    notification {"title", "body", "url", "tag"} (no patient data)."""
    _notifications[(kind, type)] = render


def register_withdrawal(kind: str, type: str, tag_of: TagOf) -> None:
    """Events of `type` on streams of `kind` end what the stream's notifications tagged
    tag_of(event) were about (e.g. the assignment was acknowledged or cancelled): those not
    yet sent are withdrawn."""
    _withdrawals[(kind, type)] = tag_of


def register_notifier(*, notify: Callable[..., list], withdraw: Callable[..., None]) -> None:
    """notify(items=[(event, user_ids, notification), ...]) -> the wake-up timers to store
    (unsaved: the publisher inserts them with its own in one statement; user_ids None: the
    stream's recipients when the wake-up is due), and withdraw(pairs=[(stream, tag), ...]),
    both called in the publisher's transaction."""
    if (notify, withdraw) not in _notifiers:
        _notifiers.append((notify, withdraw))


def recipients(stream: str) -> list[int]:
    from .schema import stream_kind

    found = _recipients.get(stream_kind(stream))
    return sorted(set(found(stream))) if found else []


def notify_many(events: list[dict]) -> list:
    """Hand events to the notifiers when they wake or end something (a dict lookup when they
    do neither): every wake-up of the batch in one call. Returns the wake-up timers to store
    (unsaved)."""
    if not _notifiers:
        return []
    from .schema import stream_kind

    ended, items = [], []
    for event in events:
        key = (stream_kind(event["stream"]), event["type"])
        tag_of, render = _withdrawals.get(key), _notifications.get(key)
        tag = tag_of(event) if tag_of is not None else None
        if tag:
            ended.append((event["stream"], tag))
            # A wake-up earlier in this batch about what this event ends is dropped too.
            items = [i for i in items
                     if (i[0]["stream"], i[2].get("tag")) != (event["stream"], tag)]
        if render is None:
            continue
        if key[0] in _recipients_when_due:
            items.append((event, None, render(event)))
            continue
        user_ids = recipients(event["stream"])
        if user_ids:
            items.append((event, user_ids, render(event)))
    # Withdrawals first: an event may end an earlier wake-up and be a wake-up itself.
    wakeups: list = []
    for notify_, withdraw in _notifiers:
        if ended:
            withdraw(pairs=ended)
        if items:
            wakeups.extend(notify_(items=items) or ())
    return wakeups
