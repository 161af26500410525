"""Text people type, made safe to keep and to send: XML 1.0 (the CAP messages, the XLSX
exports) refuses the C0 control characters other than tab, line feed and carriage return,
lone surrogates and U+FFFE/U+FFFF, and lxml fails on them ("All strings must be XML
compatible") long after the text was accepted. Stripped where the text comes in."""

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_clean(value: str) -> str:
    """`value` without the characters XML 1.0 does not allow (a vertical tab pasted into a
    title, a NUL from a form), otherwise as typed."""
    return _NOT_XML.sub("", value)
