"""CAP 1.2 against the official schema (CAP-v1.2.xsd, OASIS, committed beside this file), and
a parser that refuses what XML can be made to do to a reader: no DTD, no entities (XXE), no
network, no huge trees."""

import threading
from pathlib import Path

from lxml import etree

SCHEMA_FILE = Path(__file__).with_name("CAP-v1.2.xsd")
MAX_ERRORS = 3


class CapInvalid(ValueError):
    """The XML is no valid CAP 1.2 alert: `errors` says why, in words."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False, remove_comments=False)


_per_thread = threading.local()
_building = threading.Lock()


def cap_schema() -> etree.XMLSchema:
    """This thread's schema. An lxml validator is for one thread at a time: two threads
    validating with one shared schema crashed the process (a segmentation fault in CI, two
    regions' CAP messages checked at once), and requests run in a pool of threads. Schemas
    are built one at a time: libxml2 sets up its built-in types on the first build, and two
    first builds at once fail ("the given type is not a built-in type")."""
    schema = getattr(_per_thread, "schema", None)
    if schema is None:
        with _building:
            schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE), _parser()))
        _per_thread.schema = schema
    return schema


def cap_parse(xml: bytes) -> etree._Element:
    """The root of `xml`, parsed safely; CapInvalid when it is not well-formed or carries a
    document type (where entities would be declared)."""
    if not isinstance(xml, bytes):
        xml = xml.encode("utf-8")
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapInvalid([f"Not well-formed XML: {exc}"]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CapInvalid(["A document type declaration (<!DOCTYPE>, entities) is not "
                          "accepted in CAP."])
    return root


def cap_errors(root: etree._Element) -> list[str]:
    """The schema's first errors in words (line and message), empty when valid."""
    schema = cap_schema()
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:MAX_ERRORS]]


def cap_validate(xml: bytes) -> etree._Element:
    """The root of a valid CAP 1.2 alert; CapInvalid with the reasons otherwise."""
    root = cap_parse(xml)
    errors = cap_errors(root)
    if errors:
        raise CapInvalid(errors)
    return root
