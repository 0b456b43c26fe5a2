"""Test signature images, drawn with Pillow: a person's handwritten signature in blue and an
organisation's round seal in red, both transparent PNGs (Phụ lục I, Nghị định 30/2020/NĐ-CP)."""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

BLUE = (20, 40, 200, 255)
RED = (220, 20, 30, 255)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def blue_signature_png(width: int = 600, height: int = 240) -> bytes:
    """A flourish of blue strokes on a transparent background (2.5 : 1)."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + t * (width - 80) / 200, height / 2 + math.sin(t / 9) * height / 3 * (1 - t / 260))
              for t in range(201)]
    draw.line(points, fill=BLUE, width=9, joint="curve")
    draw.line([(width * 0.15, height * 0.8), (width * 0.85, height * 0.7)], fill=BLUE, width=7)
    return _png(image)


def red_seal_png(size: int = 400) -> bytes:
    """Two red rings and a star on a transparent background (square: the seal is round)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), outline=RED, width=size // 25)
    draw.ellipse((size * 0.18, size * 0.18, size * 0.82, size * 0.82), outline=RED, width=size // 60)
    centre, outer, inner = size / 2, size * 0.2, size * 0.08
    star = [(centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
             centre - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=RED)
    return _png(image)
