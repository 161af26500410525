"""`manage.py check`: the panic alarm's escalation can reach someone. A number that is not in
E.164 form is never texted; in a centre (`check --deploy`), no number at all means an alarm
nobody acknowledges reaches no one."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from core.phones import phone_is_e164


@register()
def panic_onduty_numbers_valid(app_configs, **kwargs):
    wrong = [n for n in settings.PANIC_ONDUTY_NUMBERS if not phone_is_e164(n)]
    if wrong:
        return [Error(f"PANIC_ONDUTY_NUMBERS has {len(wrong)} number(s) not in international "
                      "form: they are never texted when a panic alarm is not acknowledged.",
                      hint="Comma-separated E.164 numbers, e.g. +46701234567,+46707654321.",
                      id="safety.E001")]
    return []


@register(deploy=True)
def panic_onduty_numbers_set(app_configs, **kwargs):
    if settings.DEBUG or not settings.DATABASE_URL or settings.PANIC_ONDUTY_NUMBERS:
        return []
    return [Warning("PANIC_ONDUTY_NUMBERS is empty: a panic alarm no dispatcher acknowledges "
                    f"within PANIC_ACK_SECONDS ({settings.PANIC_ACK_SECONDS} s) texts no one.",
                    hint="The on-duty supervisors' phones, comma-separated E.164.",
                    id="safety.W001")]
