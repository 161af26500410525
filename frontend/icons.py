"""Draws the app icons (PNG) from the same design as icon.svg: a white cross on the centre's
blue, with a red dot. Run `python frontend/icons.py` after changing the design; the PNGs are
committed. The maskable icon keeps the design inside the central 80 % safe zone."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "static" / "frontend"
BLUE, WHITE, RED = (11, 61, 145), (255, 255, 255), (220, 38, 38)
# The cross of icon.svg on a 64-unit grid.
CROSS = [(26, 12), (38, 12), (38, 26), (52, 26), (52, 38), (38, 38), (38, 52), (26, 52),
         (26, 38), (12, 38), (12, 26), (26, 26)]


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle([0, 0, big, big], fill=BLUE)  # full bleed: the platform cuts the shape
        unit, offset = big * 0.8 / 64, big * 0.1
    else:
        d.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 12 / 64, fill=BLUE)
        unit, offset = big / 64, 0
    d.polygon([(offset + x * unit, offset + y * unit) for x, y in CROSS], fill=WHITE)
    r = 5 * unit
    c = offset + 32 * unit
    d.ellipse([c - r, c - r, c + r, c + r], fill=RED)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)]:
        draw(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
