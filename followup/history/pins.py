"""Personal identity numbers (*personnummer*) for the generated history: real-looking, with a
correct check digit (the Luhn algorithm over the ten digits' first nine), so imports and the
follow-up's joins treat them as a hospital's file would."""

import random
from datetime import date, timedelta


def luhn_digit(nine: str) -> str:
    """The check digit of YYMMDDNNN: weights 2, 1, 2, ... with a product's digits added."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def luhn_valid(text: str) -> bool:
    """Whether the number's last ten digits end with their check digit."""
    digits = "".join(ch for ch in text if ch.isdigit())[-10:]
    return len(digits) == 10 and luhn_digit(digits[:9]) == digits[9]


def age_draw(rng: random.Random) -> int:
    """An ambulance patient's age: mostly old (seed 000's callers), some adults and children."""
    u = rng.random()
    if u < 0.55:
        return rng.randint(65, 97)
    if u < 0.87:
        return rng.randint(18, 64)
    return rng.randint(0, 17)


def pin_draw(rng: random.Random, *, on: date) -> str:
    """A valid number of a person of a drawn age on `on`, as a dispatcher types it: mostly
    YYYYMMDD-NNNN, some YYMMDD-NNNN."""
    born = on - timedelta(days=age_draw(rng) * 365 + rng.randint(0, 364))
    nine = f"{born:%y%m%d}{rng.randint(1, 999):03d}"
    ten = nine + luhn_digit(nine)
    if rng.random() < 0.15:
        return f"{ten[:6]}-{ten[6:]}"
    return f"{born.year // 100}{ten[:6]}-{ten[6:]}"


def pin_retyped(rng: random.Random, pin: str) -> str:
    """The same person's number as another dispatcher may type it (with or without century
    and dash): one person to core.identity_numbers.pin_key."""
    digits = "".join(ch for ch in pin if ch.isdigit())
    ten = digits[-10:]
    century = digits[:2] if len(digits) == 12 else ("19" if int(ten[:2]) > 26 else "20")
    form = rng.random()
    if form < 0.5:
        return f"{century}{ten[:6]}-{ten[6:]}"
    if form < 0.8:
        return f"{ten[:6]}-{ten[6:]}"
    return f"{century}{ten}"
