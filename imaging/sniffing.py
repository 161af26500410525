"""Sniffing: what an upload is, from its first bytes alone, before any decoder sees it. Only
the magic numbers of the allowed formats (JPEG, PNG, WebP, HEIC/HEIF) pass; AVIF, which shares
HEIF's container, does not. Used on upload (the caller is told at once) and again before
decoding (imaging/processing.py); no Pillow here."""

import struct

HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


def _ftyp_brands(head: bytes) -> tuple[bytes, list[bytes]] | None:
    """(major brand, compatible brands) of an ISO base media file's leading ftyp box."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = struct.unpack(">I", head[:4])[0]
    end = min(len(head), box_size) if box_size >= 16 else 12
    compatible = [head[i:i + 4] for i in range(16, end - 3, 4)]
    return head[8:12], compatible


def sniff_format(head: bytes) -> str | None:
    """"JPEG", "PNG", "WEBP" or "HEIF" from a file's first bytes (32 or more), else None."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    brands = _ftyp_brands(head)
    if brands is not None:
        major, compatible = brands
        if major in AVIF_BRANDS:
            return None
        if major in HEIF_BRANDS:
            # "mif1"/"msf1" is the general image file brand, which AVIF files carry too.
            if major in (b"mif1", b"msf1") and AVIF_BRANDS & set(compatible) \
                    and not (HEIF_BRANDS - {b"mif1", b"msf1"}) & set(compatible):
                return None
            return "HEIF"
    return None


def other_image_format(head: bytes) -> str | None:
    """The name of an image (or image-like) format that is not accepted, for the "format" code."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    checks = (
        (head[:6] in (b"GIF87a", b"GIF89a"), "GIF"),
        (head[:2] == b"BM", "BMP"),
        (head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), "TIFF"),
        (head[:4] == b"\x00\x00\x01\x00", "ICO"),
        (head[:4] == b"8BPS", "PSD"),
        (head[:4] == b"%PDF", "PDF"),
        (head[:4] == b"%!PS" or head[:4] == b"\xc5\xd0\xd3\xc6", "EPS"),
        (head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51",
         "JPEG2000"),
        (head[:2] == b"\xff\x0a" or head[4:12] == b"JXL \r\n\x87\n", "JPEG XL"),
        (stripped[:5].lower() in (b"<?xml", b"<svg ", b"<svg>", b"<!doc") or
         stripped[:4].lower() == b"<svg", "SVG"),
        (_ftyp_brands(head) is not None, "ISO media (AVIF/video)"),
        (head[:4] == b"qoif", "QOI"),
    )
    for matched, name in checks:
        if matched:
            return name
    return None
