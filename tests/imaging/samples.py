"""Sample uploads made in code (no binary fixtures): photos, bombs, polyglots, impostors."""

import io
import struct
import zipfile
import zlib

from PIL import Image, ImageCms, ImageDraw

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)

GPS_LATITUDE = (59.0, 36.0, 41.25)
CAMERA_MAKE = "LarmkedjanTestCam"


def halves(size=(80, 40), left=RED, right=BLUE, mode="RGB") -> Image.Image:
    """Left half one colour, right half another: shows which way an image was turned."""
    im = Image.new("RGB", size, right)
    ImageDraw.Draw(im).rectangle((0, 0, size[0] // 2 - 1, size[1] - 1), fill=left)
    return im.convert(mode) if mode != "RGB" else im


def noise(size=(800, 600)) -> Image.Image:
    """Content that does not compress to nothing."""
    return Image.merge("RGB", [Image.effect_noise(size, s) for s in (40, 50, 60)])


def exif_with_gps(orientation: int | None = 6) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010F] = CAMERA_MAKE
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "E"
    gps[4] = (16.0, 32.0, 39.5)
    return exif


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def jpeg(im: Image.Image | None = None, **params) -> bytes:
    return encode(im if im is not None else halves(), "JPEG", quality=90, **params)


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def heic(im: Image.Image, **params) -> bytes:
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(im).save(out, quality=80, **params)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_raw(width: int, height: int, *, color_type: int = 2, rows: int | None = None,
            row_byte: int = 0, iend: bool = True) -> bytes:
    """A PNG written by hand: IHDR declaring width x height (8-bit; colour type 2 = RGB,
    0 = grey), then `rows` rows of `row_byte` (all rows when None), streamed through zlib so a
    huge image costs little memory here. `rows` < height makes a truncated image."""
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    compressor = zlib.compressobj(1)
    row = b"\x00" + bytes([row_byte]) * (width * channels)
    parts = []
    for _ in range(height if rows is None else rows):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush(zlib.Z_FINISH if rows is None else zlib.Z_SYNC_FLUSH))
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts))
    return data + (_chunk(b"IEND", b"") if iend else b"")


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert('polyglot')</script>")
    return out.getvalue()


HTML_PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + \
    b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200
SHELL = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"

SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def heif_head(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 16
