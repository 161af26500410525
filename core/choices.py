"""Codes in words: a code of a TextChoices as its label in the active language (a code never
reaches the screen as a code)."""


def choice_label(choices, value) -> str:
    """The label of `value` among `choices`; the value itself when it is not one of them (a
    record written before a choice was renamed shows what it holds rather than failing)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
