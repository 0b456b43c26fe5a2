"""PDF beside DOCX and XLSX: LibreOffice headless converts the very file the product generated,
so the PDF says exactly what the DOCX says. Fonts are embedded (LibreOffice's PDF export embeds
the subsets it uses); with ``fonts-liberation2`` installed, Times New Roman is drawn with
Liberation Serif, its metric twin, which has every Vietnamese glyph."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Mapping


class ConversionFailed(RuntimeError):
    pass


class PdfConverter:
    """``soffice`` is the LibreOffice program. Each call runs it once for any number of files.
    A converter keeps one LibreOffice profile (created on first use: it costs seconds) and runs
    one conversion at a time, since two LibreOffice processes must not share a profile; two
    converters (two processes) have two profiles."""

    def __init__(self, soffice: str, timeout_seconds: float = 180) -> None:
        self.soffice = soffice
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._profiles: dict[int, Path] = {}  # by process: a forked worker makes its own

    def _profile(self) -> Path:
        profile = self._profiles.get(os.getpid())
        if profile is None:
            profile = self._profiles[os.getpid()] = Path(tempfile.mkdtemp(prefix="cchc-soffice-profile-"))
            weakref.finalize(self, shutil.rmtree, profile, True)
        return profile

    def convert_many(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        """``{"name.docx": bytes, …}`` → ``{"name.pdf": bytes, …}``."""
        with self._lock, tempfile.TemporaryDirectory(prefix="cchc-pdf-") as work:
            folder = Path(work)
            sources = []
            for name, content in files.items():
                source = folder / "in" / name
                source.parent.mkdir(exist_ok=True)
                source.write_bytes(content)
                sources.append(source)
            try:
                run = subprocess.run(
                    [self.soffice, f"-env:UserInstallation={self._profile().as_uri()}", "--headless", "--norestore",
                     "--convert-to", "pdf", "--outdir", str(folder / "out"), *map(str, sources)],
                    capture_output=True, timeout=self.timeout_seconds, check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise ConversionFailed(str(error)) from None
            converted = {}
            for source in sources:
                pdf = folder / "out" / (source.stem + ".pdf")
                if not pdf.exists():
                    raise ConversionFailed(f"{source.name}: {run.stderr.decode(errors='replace')[-500:]}")
                converted[pdf.name] = pdf.read_bytes()
            return converted

    def convert(self, name: str, content: bytes) -> bytes:
        return self.convert_many({name: content})[Path(name).stem + ".pdf"]


def pdf_converter(soffice: str | None) -> PdfConverter | None:
    """The converter of the settings (``SOFFICE``), or None where LibreOffice is not available."""
    return PdfConverter(soffice) if soffice else None
