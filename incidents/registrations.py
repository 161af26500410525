"""What incidents registers with the layers below: its stream kinds, its timers, who is woken
for which event, the units its pledges hold (dispatch's registry), its steps in a case's
history. Each part adds its own registration here."""


def register() -> None:
    from realtime.registry import register_stream_kind

    from . import timers  # noqa: F401  (timer handlers register on import)
    from .streams import (
        incidents_followed,
        may_follow_incidents,
        may_follow_mode,
        mode_followed,
    )

    register_stream_kind("incidents", may_follow_incidents, followed=incidents_followed)
    register_stream_kind("incident-mode", may_follow_mode, followed=mode_followed)

    from .wakeup import register as wakeup_register

    wakeup_register()  # every TiB woken when an incident is raised

    from dispatch.holds import register_unit_hold_source

    from .selectors.pledges import units_held

    register_unit_hold_source(units_held)  # pledged units are not dispatched elsewhere
