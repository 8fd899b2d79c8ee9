"""Draw the web app's icons (static/luzhi/icons/, static/root/favicon.ico): a white hall of columns on Luzhi's red.

    .venv/bin/python frontend/make_icons.py

The PNGs are committed (a few KiB); run this again only to change them.
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (155, 28, 28, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "luzhi" / "icons"


def hall(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """The emblem inside a square of `size`, keeping `inset` of each side free (maskable safe zone)."""
    left = size * inset
    width = size - 2 * left
    top = left + width * 0.12

    def x(f: float) -> float:
        return left + width * f

    def y(f: float) -> float:
        return top + width * f

    draw.polygon([(x(0.5), y(0.0)), (x(0.02), y(0.24)), (x(0.98), y(0.24))], fill=WHITE)  # roof
    draw.rectangle([x(0.06), y(0.27), x(0.94), y(0.32)], fill=WHITE)  # beam
    for i in range(4):  # columns
        cx = 0.16 + i * 0.227
        draw.rectangle([x(cx - 0.05), y(0.36), x(cx + 0.05), y(0.66)], fill=WHITE)
    draw.rectangle([x(0.04), y(0.70), x(0.96), y(0.76)], fill=WHITE)  # base


def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large, then scaled down: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=RED)
        hall(draw, big, 0.22)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.18, fill=RED)
        hall(draw, big, 0.14)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
    ):
        icon(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name, (OUT / name).stat().st_size, "bytes")
    # Browsers ask for /favicon.ico whatever the page says: WhiteNoise serves static/root/ at "/".
    favicon = OUT.parents[1] / "root" / "favicon.ico"
    icon(48, maskable=False).save(favicon, sizes=[(16, 16), (32, 32), (48, 48)])
    print(favicon, favicon.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
