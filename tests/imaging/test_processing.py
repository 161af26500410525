"""The image pipeline (imaging/processing.py, imaging/worker.py): what a hostile or broken upload
gets, and what a good photo becomes. Every sample is made in code (tests/imaging/samples.py)."""

import io
import multiprocessing
import pickle
import random
import resource
import threading
import time

import pytest
from PIL import Image

from imaging import worker
from imaging.processing import (
    ImageRejected,
    Limits,
    ProcessedImage,
    image_bytes_process,
    image_file_process_isolated,
    sniff_format,
)
from tests.imaging import samples


def rejected(data: bytes) -> str:
    with pytest.raises(ImageRejected) as caught:
        image_bytes_process(data)
    return caught.value.code


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_clean(data: bytes) -> Image.Image:
    """A plain JPEG with nothing but its pixels: no EXIF, GPS, ICC, comment, XMP."""
    im = opened(data)
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    for key in ("exif", "icc_profile", "comment", "xmp", "photoshop", "adobe"):
        assert key not in im.info, key
    assert not im.getexif()
    assert b"Exif\x00\x00" not in data and b"ICC_PROFILE" not in data
    assert samples.CAMERA_MAKE.encode() not in data
    assert b"http://ns.adobe.com/xap" not in data
    # One image: it ends at its EOI marker, nothing appended.
    assert data.endswith(b"\xff\xd9")
    return im


def near(pixel, color, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


@pytest.fixture(autouse=True)
def _workers_stopped():
    pixels = Image.MAX_IMAGE_PIXELS
    yield
    worker.shutdown()
    Image.MAX_IMAGE_PIXELS = pixels  # image_bytes_process sets it from the settings


def test_worker_gets_no_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "do-not-leak")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@db/x")
    (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
    image_file_process_isolated(str(tmp_path / "ok.jpg"))
    (busy,) = worker._pool._idle
    environ = open(f"/proc/{busy.pid}/environ", "rb").read()
    assert b"do-not-leak" not in environ and b"password" not in environ


# ------------------------------------------------------------------------------ sniffing

def test_sniff_format_by_magic_numbers():
    assert sniff_format(samples.jpeg()) == "JPEG"
    assert sniff_format(samples.encode(samples.halves(), "PNG")) == "PNG"
    assert sniff_format(samples.encode(samples.halves(), "WEBP")) == "WEBP"
    assert sniff_format(samples.heif_head(b"heic", b"mif1", b"heic")) == "HEIF"
    assert sniff_format(samples.heif_head(b"mif1", b"mif1", b"heic")) == "HEIF"
    for brand in (b"heix", b"hevc", b"msf1"):
        assert sniff_format(samples.heif_head(brand)) == "HEIF"
    # AVIF shares the "mif1" brand but is not accepted; neither is video.
    assert sniff_format(samples.heif_head(b"avif", b"mif1", b"avif")) is None
    assert sniff_format(samples.heif_head(b"mif1", b"mif1", b"avif")) is None
    assert sniff_format(samples.heif_head(b"isom", b"mp41")) is None
    for other in (samples.ELF, samples.PE, samples.SHELL, samples.SVG, b"", b"\xff\xd8",
                  samples.encode(samples.halves(), "GIF"), samples.encode(samples.halves(), "BMP"),
                  samples.encode(samples.halves(), "TIFF")):
        assert sniff_format(other) is None


def test_heic_opener_is_registered():
    assert "HEIF" in Image.OPEN
    assert Image.registered_extensions().get(".heic") == "HEIF"


# ------------------------------------------------------------------------------ hostile uploads

def test_decompression_bomb_png_is_rejected_from_its_header_quickly():
    # 30000 x 30000 RGB declared (2.7 GB decoded), the data 100 rows of zeros: a few kB.
    bomb = samples.png_raw(30_000, 30_000, rows=100)
    assert len(bomb) < 100_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    assert rejected(bomb) == "bomb"
    assert time.perf_counter() - started < 1.0
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 50


def test_png_with_a_huge_declared_size_and_truncated_data():
    huge = samples.png_raw(100_000, 100_000, rows=2, iend=False)
    assert rejected(huge) == "bomb"
    # Just over the pixel limit (the limit itself, not Pillow's 2x error threshold).
    assert rejected(samples.png_raw(7000, 6000, rows=1, iend=False)) == "bomb"


def test_bomb_below_pillows_own_threshold_is_caught_by_the_configured_limit(settings):
    settings.IMAGING_MAX_PIXELS = 1_000_000
    assert rejected(samples.png_raw(1200, 1000, rows=1)) == "bomb"
    assert image_bytes_process(samples.png_raw(1000, 1000)).display_width == 1000


def test_png_under_the_limit_with_truncated_data_is_rejected_as_truncated():
    assert rejected(samples.png_raw(3000, 2000, rows=10, iend=False)) == "truncated"


def test_truncated_jpeg():
    data = samples.jpeg(samples.noise((640, 480)))
    for cut in (0.3, 0.7, 0.98):
        assert rejected(data[: int(len(data) * cut)]) == "truncated"


def test_truncated_even_if_someone_relaxed_pillow(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = samples.jpeg(samples.noise((640, 480)))
    assert rejected(data[: len(data) // 2]) == "truncated"


def test_truncated_webp():
    data = samples.encode(samples.noise((320, 240)), "WEBP")
    assert rejected(data[: len(data) // 2]) == "truncated"


@pytest.mark.parametrize("payload", ["zip", "html", "both"])
def test_polyglot_loses_what_was_appended(payload):
    tail = {"zip": samples.zip_bytes(), "html": samples.HTML_PAYLOAD,
            "both": samples.HTML_PAYLOAD + samples.zip_bytes()}[payload]
    polyglot = samples.jpeg(comment=b"<script>alert('comment')</script>") + tail
    result = image_bytes_process(polyglot)
    for output in (result.display, result.thumbnail):
        assert_clean(output)
        assert b"PK\x03\x04" not in output
        assert b"<script" not in output and b"alert" not in output
        assert b"payload.html" not in output


@pytest.mark.parametrize("data", [samples.ELF, samples.PE, samples.SHELL, b"", b"hello"],
                         ids=["elf", "pe", "shell", "empty", "text"])
def test_renamed_executables_and_other_files_are_not_images(data):
    assert rejected(data) == "not_an_image"


def test_file_that_claims_jpeg_but_is_not():
    assert rejected(b"\xff\xd8\xff\xe0" + samples.ELF) in ("decode", "truncated")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PDF"])
def test_formats_outside_the_allowlist(fmt):
    params = {"PDF": {}, "ICO": {"sizes": [(32, 32)]}}.get(fmt, {})
    assert rejected(samples.encode(samples.halves((64, 64)), fmt, **params)) == "format"


def test_svg_is_refused():
    assert rejected(samples.SVG) == "format"
    assert rejected(b"  \n<svg xmlns='http://www.w3.org/2000/svg'/>") == "format"


def test_avif_is_refused():
    assert rejected(samples.heif_head(b"avif", b"mif1", b"avif")) == "format"


def test_too_large_before_reading(settings, tmp_path):
    settings.IMAGING_MAX_UPLOAD_BYTES = 1000
    data = samples.jpeg(samples.noise((200, 200)))
    assert len(data) > 1000
    assert rejected(data) == "too_large"
    path = tmp_path / "big.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageRejected) as caught:
        image_file_process_isolated(str(path))
    assert caught.value.code == "too_large"


def test_no_raw_exception_for_damaged_files():
    """Random damage to valid files: a ProcessedImage or an ImageRejected, never anything else."""
    rng = random.Random(5)
    originals = [
        samples.jpeg(samples.noise((96, 64)), exif=samples.exif_with_gps().tobytes()),
        samples.encode(samples.noise((96, 64)), "PNG"),
        samples.encode(samples.noise((96, 64)), "WEBP"),
        samples.heic(samples.noise((96, 64))),
    ]
    outcomes = {"ok": 0, "rejected": 0}
    for original in originals:
        for _ in range(60):
            data = bytearray(original)
            for _ in range(rng.randint(1, 12)):
                position = rng.randrange(len(data))
                if rng.random() < 0.8:
                    data[position] = rng.randrange(256)
                else:
                    del data[position:position + rng.randint(1, 50)]
            try:
                result = image_bytes_process(bytes(data))
                assert isinstance(result, ProcessedImage)
                outcomes["ok"] += 1
            except ImageRejected as error:
                assert error.code in ("decode", "truncated", "bomb", "format", "not_an_image",
                                      "memory")
                outcomes["rejected"] += 1
    assert outcomes["rejected"] > 0


# ------------------------------------------------------------------------------ good photos

def test_jpeg_with_gps_exif_and_orientation_6_is_turned_and_stripped():
    photo = samples.jpeg(samples.halves((80, 40)), exif=samples.exif_with_gps(6).tobytes())
    assert opened(photo).getexif().get_ifd(0x8825)  # the sample does carry GPS
    result = image_bytes_process(photo)
    assert (result.display_width, result.display_height) == (40, 80)
    assert result.source_format == "JPEG" and result.content_type == "image/jpeg"
    display = assert_clean(result.display)
    assert display.size == (40, 80)
    # Orientation 6: turn 90 degrees clockwise, so the left half (red) ends up on top.
    assert near(display.getpixel((20, 10)), samples.RED)
    assert near(display.getpixel((20, 70)), samples.BLUE)
    thumb = assert_clean(result.thumbnail)
    assert thumb.size == (result.thumb_width, result.thumb_height) == (40, 80)


@pytest.mark.parametrize("orientation,size,top_left_color", [
    (1, (80, 40), samples.RED), (3, (80, 40), samples.BLUE), (8, (40, 80), samples.BLUE),
    (2, (80, 40), samples.BLUE),
])
def test_other_orientations(orientation, size, top_left_color):
    photo = samples.jpeg(samples.halves((80, 40)),
                         exif=samples.exif_with_gps(orientation).tobytes())
    display = assert_clean(image_bytes_process(photo).display)
    assert display.size == size
    assert near(display.getpixel((5, 5)), top_left_color)


def test_large_photo_is_decoded_reduced_and_turned():
    exif = samples.exif_with_gps(6).tobytes()
    photo = samples.jpeg(samples.halves((4000, 3000)), exif=exif)
    result = image_bytes_process(photo)
    assert (result.display_width, result.display_height) == (1200, 1600)
    assert (result.thumb_width, result.thumb_height) == (240, 320)
    display = assert_clean(result.display)
    assert near(display.getpixel((600, 100)), samples.RED)
    assert near(display.getpixel((600, 1500)), samples.BLUE)


def test_multi_picture_jpeg_from_a_camera_gives_its_first_picture():
    """Pillow opens a JPEG with an MP index as "MPO"; it is still a JPEG."""
    second = Image.new("RGB", (80, 40), samples.GREEN)
    data = samples.encode(samples.halves((80, 40)), "MPO", save_all=True,
                          append_images=[second], exif=samples.exif_with_gps(6).tobytes())
    assert opened(data).format == "MPO"
    result = image_bytes_process(data)
    assert result.source_format == "JPEG"
    display = assert_clean(result.display)
    assert display.size == (40, 80)
    assert near(display.getpixel((20, 10)), samples.RED)
    assert b"MPF\x00" not in result.display


def test_icc_profile_is_not_in_the_output():
    photo = samples.jpeg(samples.halves(), icc_profile=samples.srgb_icc())
    assert "icc_profile" in opened(photo).info
    result = image_bytes_process(photo)
    assert_clean(result.display)
    assert_clean(result.thumbnail)


def test_broken_icc_profile_is_ignored():
    photo = samples.jpeg(samples.halves(), icc_profile=b"not a profile" * 20)
    display = assert_clean(image_bytes_process(photo).display)
    assert near(display.getpixel((5, 5)), samples.RED)


def test_cmyk_jpeg():
    cmyk = Image.new("CMYK", (60, 40), (0, 255, 255, 0))  # red
    display = assert_clean(image_bytes_process(samples.jpeg(cmyk)).display)
    assert near(display.getpixel((30, 20)), (255, 0, 0), 60)


def test_rgba_png_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    im.paste((20, 20, 220, 255), (30, 0, 60, 40))
    display = assert_clean(image_bytes_process(samples.encode(im, "PNG")).display)
    assert near(display.getpixel((5, 20)), (255, 255, 255), 10)
    assert near(display.getpixel((50, 20)), samples.BLUE)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "PA-transparency", "1", "I;16", "RGB"])
def test_png_modes(mode):
    base = samples.halves((60, 40))
    if mode == "PA-transparency":
        im = base.convert("P")
        im.info["transparency"] = 0
        data = samples.encode(im, "PNG", transparency=0)
    elif mode == "I;16":
        data = samples.encode(base.convert("L").convert("I;16"), "PNG")
    else:
        data = samples.encode(base.convert(mode), "PNG")
    result = image_bytes_process(data)
    assert (result.display_width, result.display_height) == (60, 40)
    assert assert_clean(result.display).size == (60, 40)


def test_png_with_exif_text_and_icc_is_stripped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret note")
    data = samples.encode(samples.halves(), "PNG", pnginfo=info,
                          exif=samples.exif_with_gps(6).tobytes(), icc_profile=samples.srgb_icc())
    result = image_bytes_process(data)
    assert (result.display_width, result.display_height) == (40, 80)  # eXIf orientation applied
    assert b"secret note" not in result.display
    assert_clean(result.display)


def test_webp_with_exif_is_stripped():
    data = samples.encode(samples.halves(), "WEBP", exif=samples.exif_with_gps(6).tobytes(),
                          quality=90)
    result = image_bytes_process(data)
    assert result.source_format == "WEBP"
    assert (result.display_width, result.display_height) == (40, 80)
    assert_clean(result.display)


def test_animated_png_and_webp_take_the_first_frame():
    frames = [Image.new("RGB", (40, 30), color) for color in
              (samples.GREEN, samples.RED, samples.BLUE)]
    for fmt in ("PNG", "WEBP"):
        data = samples.encode(frames[0], fmt, save_all=True, append_images=frames[1:],
                              duration=100, loop=0)
        assert getattr(opened(data), "n_frames", 1) == 3
        display = assert_clean(image_bytes_process(data).display)
        assert near(display.getpixel((20, 15)), samples.GREEN), fmt


def test_heic_from_a_phone():
    exif = samples.exif_with_gps(1).tobytes()
    data = samples.heic(samples.halves((320, 160)), exif=exif)
    assert sniff_format(data) == "HEIF"
    result = image_bytes_process(data)
    assert result.source_format == "HEIF"
    assert (result.display_width, result.display_height) == (320, 160)
    display = assert_clean(result.display)
    assert near(display.getpixel((40, 80)), samples.RED)
    assert near(display.getpixel((280, 80)), samples.BLUE)


def test_heic_orientation_is_applied_once():
    data = samples.heic(samples.halves((320, 160)), exif=samples.exif_with_gps(6).tobytes())
    display = assert_clean(image_bytes_process(data).display)
    assert display.size == (160, 320)
    assert near(display.getpixel((80, 40)), samples.RED)


@pytest.mark.parametrize("size,display,thumb", [
    ((4000, 3000), (1600, 1200), (320, 240)),
    ((3000, 1000), (1600, 533), (320, 107)),
    ((1000, 5000), (320, 1600), (64, 320)),
    ((1600, 1600), (1600, 1600), (320, 320)),
    ((200, 100), (200, 100), (200, 100)),   # never enlarged
    ((5000, 4), (1600, 1), (320, 1)),       # a sliver stays at least 1 px
])
def test_display_and_thumbnail_bounds(size, display, thumb):
    result = image_bytes_process(samples.encode(Image.new("RGB", size, samples.GREEN), "PNG"))
    assert (result.display_width, result.display_height) == display
    assert (result.thumb_width, result.thumb_height) == thumb
    assert opened(result.display).size == display
    assert opened(result.thumbnail).size == thumb


def test_configured_sizes(settings):
    settings.IMAGING_DISPLAY_SIZE = 800
    settings.IMAGING_THUMBNAIL_SIZE = 100
    result = image_bytes_process(samples.jpeg(samples.halves((4000, 3000))))
    assert (result.display_width, result.display_height) == (800, 600)
    assert (result.thumb_width, result.thumb_height) == (100, 75)


def test_rejection_carries_a_translatable_message():
    with pytest.raises(ImageRejected) as caught:
        image_bytes_process(samples.ELF)
    error = caught.value
    assert error.code == "not_an_image" and str(error.message)
    again = pickle.loads(pickle.dumps(error))
    assert again.code == "not_an_image" and str(again.message) == str(error.message)


def test_limits_fall_back_to_defaults():
    limits = Limits()
    assert (limits.max_upload_bytes, limits.max_pixels, limits.display_size,
            limits.thumbnail_size, limits.worker_memory_mb,
            limits.worker_timeout_seconds) == (15 * 1024 * 1024, 40_000_000, 1600, 320, 512, 20)


# ------------------------------------------------------------------------------ worker process

def test_isolated_processing(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.jpeg(samples.halves((80, 40)),
                                  exif=samples.exif_with_gps(6).tobytes()) + samples.zip_bytes())
    result = image_file_process_isolated(str(path))
    assert (result.display_width, result.display_height) == (40, 80)
    assert_clean(result.display)
    assert_clean(result.thumbnail)
    assert result == image_bytes_process(path.read_bytes())


def test_isolated_rejections_keep_their_codes(tmp_path):
    cases = {"elf.jpg": (samples.ELF, "not_an_image"),
             "bomb.png": (samples.png_raw(30_000, 30_000, rows=10), "bomb"),
             "anim.gif": (samples.encode(samples.halves(), "GIF"), "format"),
             "cut.jpg": (samples.jpeg(samples.noise((300, 200)))[:2000], "truncated")}
    for name, (data, code) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ImageRejected) as caught:
            image_file_process_isolated(str(tmp_path / name))
        assert caught.value.code == code, name
        assert str(caught.value.message)
    # The worker survived all of that and is reused.
    (tmp_path / "ok.png").write_bytes(samples.encode(samples.halves(), "PNG"))
    assert image_file_process_isolated(str(tmp_path / "ok.png")).display_width == 80


def _in_daemonic_child(path, queue):
    try:
        result = image_file_process_isolated(path)
        queue.put(("ok", result.display_width, result.display_height,
                   multiprocessing.current_process().daemon))
    except ImageRejected as error:
        queue.put(("rejected", error.code))
    except BaseException as error:  # noqa: B036 - reported to the test
        queue.put(("error", repr(error)))


@pytest.mark.parametrize("warm_parent", [False, True])
def test_isolated_processing_in_a_daemonic_process(tmp_path, warm_parent):
    """Celery's prefork children are daemonic (forked, and no multiprocessing children allowed):
    the worker is a plain subprocess, so it works there too, also when the parent already had
    workers of its own when it forked."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.jpeg(samples.halves((80, 40)),
                                  exif=samples.exif_with_gps(6).tobytes()))
    if warm_parent:
        image_file_process_isolated(str(path))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_daemonic_child, args=(str(path), queue), daemon=True)
    child.start()
    try:
        outcome = queue.get(timeout=60)
    finally:
        child.join(10)
    assert outcome == ("ok", 40, 80, True)
    if warm_parent:  # the parent's worker is still its own and still answers
        assert image_file_process_isolated(str(path)).display_width == 40


def test_isolated_processing_from_threads(tmp_path, settings):
    settings.IMAGING_WORKER_PROCESSES = 2
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.jpeg(samples.noise((1200, 900))))
    results, errors = [], []

    def run():
        try:
            for _ in range(3):
                results.append(image_file_process_isolated(str(path)).display_width)
        except BaseException as error:  # noqa: B036
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert results == [1200] * 12


def test_worker_pipes_above_fd_setsize(tmp_path):
    """An ASGI server with thousands of sockets: the worker's pipe may be above descriptor 1024
    (select() cannot wait on those; poll() can)."""
    import os

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("open files limit too low")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
        assert image_file_process_isolated(str(tmp_path / "ok.jpg")).display_width == 80
        (busy,) = worker._pool._idle
        assert busy.proc.stdout.fileno() > 1024
    finally:
        for fd in held:
            os.close(fd)
        worker.shutdown()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_memory_limit(tmp_path, settings):
    """36 megapixels (under the pixel limit) need ~108 MB decoded: with a 24 MB worker limit the
    worker fails or dies, the caller gets "memory", and the next image works again."""
    settings.IMAGING_WORKER_MEMORY_MB = 24
    path = tmp_path / "big.png"
    path.write_bytes(samples.png_raw(6000, 6000))
    with pytest.raises(ImageRejected) as caught:
        image_file_process_isolated(str(path))
    assert caught.value.code in ("memory", "bomb")
    (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
    assert image_file_process_isolated(str(tmp_path / "ok.jpg")).display_width == 80
    settings.IMAGING_WORKER_MEMORY_MB = 512
    assert image_file_process_isolated(str(path)).display_width == 1600


def test_relative_path(tmp_path, monkeypatch):
    (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
    monkeypatch.chdir(tmp_path)
    assert image_file_process_isolated("ok.jpg").display_width == 80


def test_worker_that_cannot_start_is_a_server_error_not_a_rejection(monkeypatch, tmp_path):
    (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
    monkeypatch.setattr(worker.sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match="did not start"):
        image_file_process_isolated(str(tmp_path / "ok.jpg"))
    monkeypatch.undo()
    assert image_file_process_isolated(str(tmp_path / "ok.jpg")).display_width == 80


def test_garbage_from_the_worker_is_not_trusted(tmp_path, monkeypatch):
    """A decoder taken over by a crafted image could write anything into the pipe: nothing is
    unpickled, and garbage counts as a dead worker ("memory"), never another exception."""
    (tmp_path / "ok.jpg").write_bytes(samples.jpeg())
    for bad in (b"\xff\xfe not json", b"[1, 2]", b'{"ok": true, "display_len": "x"}',
                b'{"ok": true, "display_len": 99999999999, "thumb_len": 1}'):
        image_file_process_isolated(str(tmp_path / "ok.jpg"))  # a worker is up
        monkeypatch.setattr(worker, "_read_exact", lambda fd, n, deadline, bad=bad: (
            worker.FRAME_HEADER.pack(len(bad)) if n == 4 else bad))
        with pytest.raises(ImageRejected) as caught:
            image_file_process_isolated(str(tmp_path / "ok.jpg"))
        assert caught.value.code == "memory"
        monkeypatch.undo()
        assert not worker._pool._idle  # that worker was killed


def test_worker_that_dies_is_memory_and_is_replaced(tmp_path, monkeypatch):
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.jpeg())
    image_file_process_isolated(str(path))
    (victim,) = worker._pool._idle
    victim.proc.kill()
    victim.proc.wait()
    # A dead idle worker is noticed before use and replaced.
    assert image_file_process_isolated(str(path)).display_width == 80
    (replacement,) = worker._pool._idle
    assert replacement.pid != victim.pid

    # One that dies while it works: "memory".
    def die(self, *args, **kwargs):
        self.proc.kill()
        self.proc.wait()
        raise worker._WorkerDied

    monkeypatch.setattr(worker._Worker, "request", die)
    with pytest.raises(ImageRejected) as caught:
        image_file_process_isolated(str(path))
    assert caught.value.code == "memory"
    monkeypatch.undo()
    assert image_file_process_isolated(str(path)).display_width == 80


def test_timeout_kills_the_worker(tmp_path, settings):
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.jpeg(samples.noise((3000, 2000))))
    image_file_process_isolated(str(path))  # a worker is up; startup is not part of the timeout
    (first,) = worker._pool._idle
    settings.IMAGING_WORKER_TIMEOUT_SECONDS = 0.005
    started = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        image_file_process_isolated(str(path))
    assert caught.value.code == "timeout"
    assert time.perf_counter() - started < 2
    assert first.proc.poll() is not None  # killed
    settings.IMAGING_WORKER_TIMEOUT_SECONDS = 20
    assert image_file_process_isolated(str(path)).display_width == 1600
