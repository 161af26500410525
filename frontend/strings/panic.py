"""The panic alarm (*överfallslarm*) on the screens: the crew tablet's and the mobile care
unit's button and what follows it (t('panic....'), panic-button.js), and the console's banner
(t('console.panic....'), console-panic.js)."""

from django.utils.translation import gettext as _


def panic() -> dict:
    """The field screens' panic button, its hold, the alarm's full-screen state and the false
    alarm's reasons (sent as the words shown: the server keeps the reason as text)."""
    return {
        "button": _("Panic alarm"),
        "button_hint": _("Hold for {s} seconds to raise the panic alarm."),
        "hold_hint": _("Hold for {s} seconds for the panic alarm"),
        "holding": _("Keep holding…"),
        "sent": _("Alarm sent – waiting for the dispatch centre"),
        "queued": _("Alarm waiting for the network – it is sent as soon as there is a "
                    "connection"),
        "acknowledged": _("Help is on the way – {name} acknowledged"),
        "acknowledged_at": _("Acknowledged at {time}"),
        "raised_at": _("Raised at {time}"),
        "position_on": _("Your position is sent every {s} seconds."),
        "position_off": _("No position: the device does not give one."),
        "sms": _("Send the alarm by SMS"),
        "sms_body": _("PANIC ALARM {unit}. Position: {position}"),
        "no_position": _("unknown"),
        "cancel": _("False alarm – cancel"),
        "cancel_title": _("Why is it a false alarm?"),
        "cancel_other": _("Other reason"),
        "cancel_send": _("Cancel the alarm"),
        "cancel_back": _("Back"),
        "cancel_needed": _("Choose or write a reason."),
        "reasons": {
            "mistake": _("Pressed by mistake"),
            "resolved": _("The situation is resolved"),
            "test": _("Test"),
        },
        "cancelled": _("The panic alarm was cancelled."),
        "closed": _("The dispatch centre closed the panic alarm."),
        "outbox": _("Panic alarm"),
        "refused": _("The panic alarm was refused: {detail}"),
    }


def console_panic() -> dict:
    """The console's panic banner."""
    return {
        "title": _("PANIC ALARM"),
        "unit": _("Unit"),
        "raised_by": _("Raised by"),
        "case": _("Case"),
        "address": _("Address"),
        "raised_at": _("Raised"),
        "position": _("Last position"),
        "no_position": _("No position yet"),
        "position_at": _("{lat}, {lon} (±{m} m) at {time}"),
        "acknowledge": _("Acknowledge"),
        "acknowledged": _("Acknowledged by {name} at {time}"),
        "already": _("Already acknowledged by {name}"),
        "escalated": _("Not acknowledged in time: the on-duty supervisor was sent an SMS."),
        "close": _("Close the alarm"),
        "show": _("Show on the map"),
        "marker": _("Panic alarm {unit}"),
        "cancelled": _("{unit} cancelled the panic alarm: {reason}"),
        "closed": _("The panic alarm of {unit} was closed."),
    }
