"""One of each document through LibreOffice (PDF) and poppler (PNG), as a person would see it.

The PNGs stay in ``tests/artifacts/`` (git-ignored) to be looked at. Needs ``soffice`` and
``pdftoppm`` (``scripts/system-deps.sh`` installs them); under STRICT=1 their absence fails.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from models.db import Database
from tests.conftest import missing
from tests.helpers import COORDINATOR, DAY, at, reviewed_and_concluded
from workflow.casefile.rendering import DOCUMENT_KINDS, render_document
from workflow.records.files import FileStore

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.mark.libreoffice
def test_every_kind_of_document_converts_to_pdf_and_png(sqlite_templates, tmp_path):
    tools = {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdftotext", "pdffonts")}
    if not all(tools.values()):
        missing("LibreOffice / poppler-utils", f"not found: {[name for name, path in tools.items() if not path]}")
    path = tmp_path / "cchc.db"
    shutil.copy(sqlite_templates["seeded"], path)
    db = Database(f"sqlite:///{path}")
    store = FileStore(tmp_path / "files", 1 << 20)
    inspection = reviewed_and_concluded(db)
    now = at(inspection.visit_date + 11 * DAY)
    ARTIFACTS.mkdir(exist_ok=True)
    sources = []
    for kind, spec in DOCUMENT_KINDS.items():
        where = {"inspection_id": inspection.id} if spec.scope == "case" else {"campaign_id": inspection.campaign_id}
        with db.session() as session:
            attachment = render_document(session, store, kind, actor=COORDINATOR, now=now, **where)
            source = ARTIFACTS / f"{kind}.{attachment.original_name.rsplit('.', 1)[1]}"
            source.write_bytes(store.read(attachment.sha256))
            sources.append(source)
    db.dispose()
    for old in ARTIFACTS.glob("*.p*"):
        old.unlink()

    # One soffice run for all of them (a start costs seconds), with a profile of its own.
    subprocess.run(
        [tools["soffice"], f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(ARTIFACTS), *map(str, sources)],
        check=True, capture_output=True, timeout=240,
    )
    for source in sources:
        pdf = source.with_suffix(".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, f"{source.name} was not converted"
        subprocess.run([tools["pdftoppm"], "-r", "70", "-png", str(pdf), str(ARTIFACTS / source.stem)], check=True, timeout=60)
        pages = sorted(ARTIFACTS.glob(f"{source.stem}-*.png"))
        assert pages and all(page.stat().st_size > 5000 for page in pages)
        text = subprocess.run([tools["pdftotext"], "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        if source.suffix == ".docx":
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
            fonts = subprocess.run([tools["pdffonts"], str(pdf)], check=True, capture_output=True, text=True).stdout
            assert "Times" in fonts or "LiberationSerif" in fonts, fonts  # Times New Roman or its metric twin
        else:
            assert "Phòng Tài nguyên và Môi trường" in text and "27/07/2023" in text
