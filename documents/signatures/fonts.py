"""Liberation Serif, the metric twin of Times New Roman that LibreOffice draws our documents with
(fonts-liberation2: Debian's older fonts-liberation lacks Vietnamese glyphs such as "ế"), found
at run time: the annex's text signature is set in it, and placement measures the lines of a
rendered page with it."""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
STYLES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
          "italic": "LiberationSerif-Italic.ttf", "bolditalic": "LiberationSerif-BoldItalic.ttf"}


@functools.cache
def liberation_serif(style: str = "regular") -> Path | None:
    """The font file of ``style``, fonts-liberation2's before any other copy; None if absent."""
    found = [path for folder in FONT_DIRS if folder.is_dir() for path in folder.rglob(STYLES[style])]
    found.sort(key=lambda path: "liberation2" not in str(path))
    return found[0] if found else None


@functools.cache
def em_1000(path: Path) -> Path:
    """A copy of the TrueType font at ``path`` with 1000 units per em. pyHanko 0.38's OpenType
    engine writes the PDF's glyph widths in the font's own units, which PDF reads as thousandths
    of an em: Liberation's 2048 units spread the letters twice too far apart."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    target = Path(tempfile.gettempdir()) / f"cchc-fonts-{os.getuid()}" / f"{path.stem}-{path.stat().st_mtime_ns}-1000.ttf"
    if not target.exists():
        font = TTFont(str(path))
        if font["head"].unitsPerEm == 1000:
            return path
        scale_upem(font, 1000)
        if "FFTM" in font:  # FontForge's timestamps, which the subsetter would warn about
            del font["FFTM"]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        font.save(str(partial))
        partial.replace(target)  # atomic: another process may be writing the same copy
    return target
