"""Caller images: decode, check, orient, strip and shrink one uploaded image.

Follows Pillow's security handbook for untrusted images:

- the size is checked before anything is read (`image_bytes_process` gets the bytes,
  `image_file_process_isolated` checks the file's size first);
- the magic numbers must be those of an allowed format (`sniff_format`, imaging/sniffing.py)
  and Pillow may only try those plugins (`Image.open(..., formats=ALLOWED_FORMATS)`): JPEG,
  PNG, WebP and HEIC/HEIF (iPhones) through pillow-heif's opener. GIF, BMP, TIFF, SVG, AVIF,
  PDF ... are refused;
- the declared size is checked from the header, before any pixel is decoded, against
  `IMAGING_MAX_PIXELS`; `Image.MAX_IMAGE_PIXELS` is the same figure and Pillow's
  `DecompressionBombWarning` is an error;
- truncated images are refused (`ImageFile.LOAD_TRUNCATED_IMAGES` stays False);
- every exception of a decoder (OSError, ValueError, SyntaxError, struct.error, EOFError,
  MemoryError, DecompressionBombError, anything) becomes an `ImageRejected` with a code;
- JPEGs are decoded at a reduced size (draft mode: libjpeg scales by 1/2, 1/4 or 1/8 in the
  DCT), the EXIF orientation is applied to the reduced image, and a new image is built from
  the pixels alone, so appended bytes (ZIP, HTML), comments, EXIF, GPS, XMP and ICC profiles
  are gone (an ICC profile is first applied, so colours stay right in sRGB);
- saved as baseline JPEG (quality `IMAGING_JPEG_QUALITY`, 82) with nothing else: a display
  copy (long side <= `IMAGING_DISPLAY_SIZE`, 1600 px) and a thumbnail (<= 320 px).

`image_file_process_isolated(path)` runs the same in a worker process with a memory limit and a
timeout (imaging/worker.py).
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from dataclasses import asdict, dataclass

from PIL import Image, ImageFile

from imaging.sniffing import other_image_format, sniff_format

try:  # HEIC/HEIF from iPhones
    import pillow_heif

    # Only the primary image: no thumbnails, depth or auxiliary images decoded or kept.
    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    HEIF_AVAILABLE = False

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
CONTENT_TYPE = "image/jpeg"

ImageFile.LOAD_TRUNCATED_IMAGES = False

DEFAULTS = {
    "IMAGING_MAX_UPLOAD_BYTES": 15 * 1024 * 1024,
    "IMAGING_MAX_PIXELS": 40_000_000,
    "IMAGING_DISPLAY_SIZE": 1600,
    "IMAGING_THUMBNAIL_SIZE": 320,
    "IMAGING_JPEG_QUALITY": 82,
    "IMAGING_WORKER_MEMORY_MB": 512,
    "IMAGING_WORKER_TIMEOUT_SECONDS": 20,
}

REJECTION_CODES = ("too_large", "not_an_image", "format", "bomb", "truncated", "timeout",
                   "memory", "decode")


IN_WORKER = False  # set in imaging.worker's processes: the parent makes the messages


def _messages() -> dict:
    from django.utils.translation import gettext_lazy as _

    return {
        "too_large": _("The image is too large. Please send a smaller photo."),
        "not_an_image": _("The file is not an image."),
        "format": _("This kind of image cannot be received. Please send a photo "
                    "(JPEG, PNG, WebP or HEIC)."),
        "bomb": _("The image has too many pixels to be received."),
        "truncated": _("The image is incomplete. Please send it again."),
        "timeout": _("The image took too long to process. Please send another photo."),
        "memory": _("The image needs too much memory to process. Please send a smaller photo."),
        "decode": _("The image could not be read. Please send another photo."),
    }


class ImageRejected(Exception):
    """An upload that is not turned into an image. `code` is one of REJECTION_CODES; `message`
    is for the person who sent it (a lazy translation)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message

    @classmethod
    def of(cls, code: str) -> ImageRejected:
        if code not in REJECTION_CODES:
            code = "decode"
        return cls(code, code if IN_WORKER else _messages()[code])

    def __str__(self) -> str:
        try:
            return f"{self.code}: {self.message}"
        except Exception:  # a lazy message before Django's apps are ready
            return self.code

    def __reduce__(self):  # pickles (Celery results) by code; the message is made again
        return (ImageRejected.of, (self.code,))


@dataclass(frozen=True)
class ProcessedImage:
    display: bytes
    display_width: int
    display_height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int
    source_format: str
    content_type: str = CONTENT_TYPE


@dataclass(frozen=True)
class Limits:
    """The settings one run needs (passed to the worker process, which has no Django)."""

    max_upload_bytes: int = DEFAULTS["IMAGING_MAX_UPLOAD_BYTES"]
    max_pixels: int = DEFAULTS["IMAGING_MAX_PIXELS"]
    display_size: int = DEFAULTS["IMAGING_DISPLAY_SIZE"]
    thumbnail_size: int = DEFAULTS["IMAGING_THUMBNAIL_SIZE"]
    quality: int = DEFAULTS["IMAGING_JPEG_QUALITY"]
    worker_memory_mb: int = DEFAULTS["IMAGING_WORKER_MEMORY_MB"]
    worker_timeout_seconds: float = DEFAULTS["IMAGING_WORKER_TIMEOUT_SECONDS"]

    @classmethod
    def from_settings(cls) -> Limits:
        values = dict(DEFAULTS)
        try:
            from django.conf import settings

            for name in DEFAULTS:
                values[name] = getattr(settings, name, DEFAULTS[name])
        except Exception:  # settings not configured (a script, the worker): the defaults
            pass
        return cls(
            max_upload_bytes=int(values["IMAGING_MAX_UPLOAD_BYTES"]),
            max_pixels=int(values["IMAGING_MAX_PIXELS"]),
            display_size=int(values["IMAGING_DISPLAY_SIZE"]),
            thumbnail_size=int(values["IMAGING_THUMBNAIL_SIZE"]),
            quality=int(values["IMAGING_JPEG_QUALITY"]),
            worker_memory_mb=int(values["IMAGING_WORKER_MEMORY_MB"]),
            worker_timeout_seconds=float(values["IMAGING_WORKER_TIMEOUT_SECONDS"]),
        )

    def as_dict(self) -> dict:
        return asdict(self)


def image_file_process_isolated(path: str) -> ProcessedImage:
    """Process the image file at `path` in a worker process with a memory limit
    (`IMAGING_WORKER_MEMORY_MB`) and a timeout (`IMAGING_WORKER_TIMEOUT_SECONDS`).
    Raises ImageRejected ("memory" when the worker dies or runs out of memory, "timeout" when
    it overruns; it is then killed and replaced)."""
    from imaging.worker import run_isolated

    limits = Limits.from_settings()
    if os.path.getsize(path) > limits.max_upload_bytes:
        raise ImageRejected.of("too_large")
    return run_isolated(path, limits)[0]


def image_bytes_process(data: bytes, limits: Limits | None = None) -> ProcessedImage:
    """Process an uploaded image's bytes in this process, within `limits` (the settings' when
    not given; the worker process is handed them). Raises ImageRejected."""
    limits = Limits.from_settings() if limits is None else limits
    if len(data) > limits.max_upload_bytes:
        raise ImageRejected.of("too_large")
    head = bytes(data[:64])
    source_format = sniff_format(head)
    if source_format is None:
        raise ImageRejected.of("format" if other_image_format(head) else "not_an_image")
    if source_format == "HEIF" and not HEIF_AVAILABLE:  # pragma: no cover
        raise ImageRejected.of("format")
    if source_format == "WEBP" and len(head) >= 8 \
            and struct.unpack("<I", head[4:8])[0] + 8 > len(data):
        raise ImageRejected.of("truncated")  # libwebp only says "could not create decoder"
    try:
        return _process(data, source_format, limits)
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected.of("bomb") from None
    except Image.DecompressionBombWarning:
        raise ImageRejected.of("bomb") from None
    except MemoryError:
        raise ImageRejected.of("memory") from None
    except Image.UnidentifiedImageError:
        raise ImageRejected.of("decode") from None
    except EOFError:
        raise ImageRejected.of("truncated") from None
    except BaseException as error:  # every decoder error, whatever its type
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        if "truncat" in str(error).lower() or "premature end" in str(error).lower():
            raise ImageRejected.of("truncated") from None
        raise ImageRejected.of("decode") from None


def fit(size: tuple[int, int], bound: int) -> tuple[int, int]:
    """`size` scaled to fit in bound x bound, keeping the aspect; never enlarged."""
    width, height = size
    longest = max(width, height)
    if longest <= bound:
        return width, height
    scale = bound / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


# Orientation (EXIF 0x0112) -> the transpose that makes the pixels upright (as
# ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(im: Image.Image) -> int:
    """EXIF orientation of an opened (not loaded) image; 1 when absent or unreadable. (pillow-heif
    has applied the HEIF transformations already and reports 1.)"""
    try:
        value = im.getexif().get(0x0112, 1)
        return int(value) if int(value) in _TRANSPOSE else 1
    except Exception:  # a damaged EXIF block does not make the picture unusable
        return 1


def _icc_profile(im: Image.Image) -> bytes | None:
    profile = im.info.get("icc_profile")
    return profile if isinstance(profile, bytes) and profile else None


def _to_srgb(im: Image.Image, profile: bytes) -> Image.Image:
    """Apply an embedded ICC profile (e.g. Display P3 from a phone), so that the stripped output
    shows the same colours in sRGB. A profile that cannot be used is ignored."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        description = (ImageCms.getProfileDescription(source) or "").strip().lower()
        if description.startswith("srgb"):
            return im
        converted = ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"),
                                              outputMode="RGB")
        return converted if converted is not None else im
    except Exception:
        return im


def _flatten(im: Image.Image) -> Image.Image:
    """Any mode -> RGB; transparency flattened on white."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode == "PA":
        im = im.convert("RGBA")
    elif mode in ("LA", "La", "RGBa"):
        im = im.convert("RGBA")
    elif mode.startswith("I;16") or mode == "I":
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif mode == "F":
        im = im.convert("L")
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im, mask=im.getchannel("A"))
        return background
    if im.mode != "RGB":
        im = im.convert("RGB")  # L, 1, CMYK (Adobe inverted handled by the JPEG plugin), YCbCr
    return im


def _save_jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Nothing but the pixels: no exif, icc_profile, comment, xmp or dpi passed.
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _process(data: bytes, source_format: str, limits: Limits) -> ProcessedImage:
    # Process-wide Pillow switches, set on every call so nothing else can have relaxed them.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # catch_warnings is process-wide, not per thread: with threads calling this at once a filter
    # may outlive its block. Harmless here: the declared size is checked explicitly below
    # (the filter is a second line), and only Pillow's own UserWarnings are silenced.
    with warnings.catch_warnings():
        # Plugins' complaints about damaged metadata ("Truncated File Read" in an EXIF block)
        # are noise here; a bomb is an error.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as im:
            # Pillow's JPEG plugin calls a multi-picture JPEG (many Android and Fuji cameras,
            # 3D and depth photos) "MPO": it is a JPEG, and its first picture is the photo.
            opened_as = "JPEG" if im.format == "MPO" else im.format
            if opened_as != source_format:
                raise ImageRejected.of("format")
            width, height = im.size
            # The declared size, from the header, before a pixel is decoded.
            if width <= 0 or height <= 0:
                raise ImageRejected.of("decode")
            if width * height > limits.max_pixels:
                raise ImageRejected.of("bomb")
            orientation = _orientation(im)
            profile = _icc_profile(im)
            display_size = fit(im.size, limits.display_size)
            if opened_as == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers the display size.
                im.draft("RGB", display_size)
            # The first frame only (animated PNG/WebP, HEIF sequences: the primary image).
            im.load()
            pixels: Image.Image = im
            if profile is not None and pixels.mode == "CMYK":
                # A CMYK profile is applied before its pixels become RGB.
                pixels = _to_srgb(pixels, profile)
                profile = None
            pixels = _flatten(pixels)
            if pixels.size != display_size:
                # Bicubic: for the 1.25x step left after draft mode it is as sharp as Lanczos
                # at 3/4 of its cost; reducing_gap box-reduces first when the step is larger.
                pixels = pixels.resize(display_size, Image.Resampling.BICUBIC,
                                       reducing_gap=3.0)
            else:
                pixels = pixels.copy()  # never keep the decoder's image and its info
    if profile is not None:  # at the display size, which is cheap
        pixels = _to_srgb(pixels, profile)
    if orientation != 1:
        pixels = pixels.transpose(_TRANSPOSE[orientation])
    # Rebuilt from the pixels alone: a new image, with no info, no EXIF, no ICC profile.
    display = Image.new("RGB", pixels.size)
    display.paste(pixels)
    del pixels
    thumb = display.resize(fit(display.size, limits.thumbnail_size), Image.Resampling.BICUBIC,
                           reducing_gap=2.0)
    clean_thumb = Image.new("RGB", thumb.size)
    clean_thumb.paste(thumb)
    return ProcessedImage(
        display=_save_jpeg(display, limits.quality),
        display_width=display.width,
        display_height=display.height,
        thumbnail=_save_jpeg(clean_thumb, limits.quality),
        thumb_width=clean_thumb.width,
        thumb_height=clean_thumb.height,
        source_format=source_format,
        content_type=CONTENT_TYPE,
    )


__all__ = [
    "ALLOWED_FORMATS", "ImageRejected", "Limits", "ProcessedImage", "REJECTION_CODES",
    "fit", "image_bytes_process", "image_file_process_isolated", "sniff_format",
]
