"""The streams incidents publishes to, and who may follow them: `incidents` carries every step
of every incident to the consoles and to TiB's phone; `incident-mode` carries only whether
mass-casualty triage holds (and the incident's title) to the crews' and mobile units' screens,
which see nothing else of the incident."""

from accounts.roles import follows_incidents, joins_shifts

INCIDENTS_STREAM = "incidents"
MODE_STREAM = "incident-mode"


def may_follow_incidents(user, stream: str) -> bool:
    return stream == INCIDENTS_STREAM and follows_incidents(user)


def incidents_followed(user) -> list[str]:
    return [INCIDENTS_STREAM] if follows_incidents(user) else []


def may_follow_mode(user, stream: str) -> bool:
    return stream == MODE_STREAM and (joins_shifts(user) or follows_incidents(user))


def mode_followed(user) -> list[str]:
    return [MODE_STREAM] if joins_shifts(user) else []
