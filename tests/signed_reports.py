"""Reports as units send them, signed outside the product (as an e-office system or vSignPDF
would: pyHanko with a PKCS#12 file of tests/pki.py), and the ways they go wrong."""
from __future__ import annotations

import io

import pypdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from tests.pki import PASSPHRASE, Holder, Pki


def report_pdf(title: str = "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH") -> bytes:
    """A one-page PDF whose page says ``title`` (Helvetica: ASCII only survives, the rest is the bytes)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = pypdf.generic.DecodedStreamObject()
    stream.set_data(b"BT /F1 14 Tf 72 770 Td (" + title.encode("ascii", "replace") + b") Tj ET")
    font = pypdf.generic.DictionaryObject({
        pypdf.generic.NameObject("/Type"): pypdf.generic.NameObject("/Font"),
        pypdf.generic.NameObject("/Subtype"): pypdf.generic.NameObject("/Type1"),
        pypdf.generic.NameObject("/BaseFont"): pypdf.generic.NameObject("/Helvetica"),
    })
    page[pypdf.generic.NameObject("/Resources")] = pypdf.generic.DictionaryObject({
        pypdf.generic.NameObject("/Font"): pypdf.generic.DictionaryObject({pypdf.generic.NameObject("/F1"): writer._add_object(font)}),
    })
    page[pypdf.generic.NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def signed(pdf: bytes, holder: Holder, field_name: str = "Signature1") -> bytes:
    """``pdf`` with ``holder``'s signature appended as an incremental revision."""
    signer = signers.SimpleSigner.load_pkcs12(str(holder.p12_path), passphrase=PASSPHRASE.encode())
    output = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), signers.PdfSignatureMetadata(field_name=field_name),
                              signer=signer)
    return output.getvalue()


def tampered(pdf: bytes) -> bytes:
    """A signed ``pdf`` changed inside what the signature covers (a figure of the page's content),
    its length and structure kept: it still opens, but it is not what was signed."""
    where = pdf.index(b"72 770 Td")
    return pdf[:where] + b"72 771 Td" + pdf[where + len(b"72 770 Td"):]


def reports(pki: Pki) -> dict[str, bytes]:
    """The unit's report in each state the check on arrival tells apart, by its expected status."""
    report = report_pdf()
    return {
        "valid": signed(report, pki["person"]),
        "broken": tampered(signed(report, pki["person"])),
        "expired": signed(report, pki["expired"]),
        "untrusted": signed(report, pki["untrusted"]),
        "revoked": signed(report, pki["revoked"]),
        "unsigned": report,
    }
