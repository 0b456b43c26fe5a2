"""PDF beside DOCX and XLSX: LibreOffice headless converts the very file the product generated,
so the PDF says exactly what the DOCX says. Fonts are embedded (LibreOffice's PDF export embeds
the subsets it uses); with ``fonts-liberation2`` installed, Times New Roman is drawn with
Liberation Serif, its metric twin, which has every Vietnamese glyph."""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


class ConversionFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class PdfConverter:
    """``soffice`` is the LibreOffice program. Each call runs it once, with a profile of its own
    (two conversions at once must not share one), for any number of files."""

    soffice: str
    timeout_seconds: float = 180

    def convert_many(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        """``{"name.docx": bytes, …}`` → ``{"name.pdf": bytes, …}``."""
        with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as work:
            folder = Path(work)
            sources = []
            for name, content in files.items():
                source = folder / "in" / name
                source.parent.mkdir(exist_ok=True)
                source.write_bytes(content)
                sources.append(source)
            try:
                run = subprocess.run(
                    [self.soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
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
