"""Signing a PDF (PAdES, SHA-256) in a visible field placed as Phụ lục I of Nghị định 30/2020/NĐ-CP
says: the person's blue signature image, the organisation's red seal at actual size, or an annex's
text signature. Each signature is an incremental revision, so the ones before it stay valid (the
organisation signs after the person, Art. 32(2d))."""
from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from documents.signatures.fonts import em_1000, liberation_serif
from documents.signatures.keys import SigningError
from documents.signatures.placement import Box, annex_box
from vocabulary.config import zone
from vocabulary.i18n import _

ANNEX_FONT_PT = 10
VIETNAM = "Asia/Ho_Chi_Minh"  # the annex's time is written with +07:00 whatever the server's zone


class _PdfSigner(signers.PdfSigner):
    """pyHanko's signer with the signing time given rather than read from the clock."""

    def __init__(self, *args: Any, when: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._when
        return session


def _image(png: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(png))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise SigningError(_("The image of the signature is not a PNG file")) from None
    if image.format != "PNG":
        raise SigningError(_("The image of the signature is not a PNG file"))
    return image.convert("RGBA")  # keeps the transparency pyHanko turns into a soft mask


def _image_style(png: bytes | None) -> StaticStampStyle:
    """The image fitted into the field, its proportions kept, nothing else drawn."""
    return StaticStampStyle(
        border_width=0, background_opacity=1.0,
        background=PdfImage(_image(png)) if png else None,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT),
    )


def _sign(pdf: bytes, signer: signers.Signer, *, box: Box, style: BaseStampStyle, field_name: str, when: datetime,
          reason: str | None = None, location: str | None = None, text_params: dict[str, str] | None = None) -> bytes:
    if when.tzinfo is None:
        raise ValueError("the signing time must be aware")
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location,
    )
    field = fields.SigFieldSpec(sig_field_name=field_name, on_page=box.page, box=box.rect)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        pdf_signer = _PdfSigner(metadata, signer, stamp_style=style, new_field_spec=field, when=when)
        return pdf_signer.sign_pdf(writer, appearance_text_params=text_params).getvalue()
    except (PdfError, PyHankoSigningError, ValueError, KeyError) as error:
        raise SigningError(_("The document cannot be signed: {error}", error=str(error))) from None


def sign_person(pdf: bytes, signer: signers.Signer, *, box: Box, image_png: bytes | None, field_name: str,
                when: datetime, reason: str | None = None, location: str | None = None) -> bytes:
    """The competent person's signature, their blue image in ``box`` (see placement.person_box)."""
    return _sign(pdf, signer, box=box, style=_image_style(image_png), field_name=field_name, when=when,
                 reason=reason, location=location)


def sign_organisation(pdf: bytes, signer: signers.Signer, *, box: Box, seal_png: bytes | None, field_name: str,
                      when: datetime) -> bytes:
    """The organisation's signature, its red seal at actual size in ``box`` (placement.seal_box)."""
    return _sign(pdf, signer, box=box, style=_image_style(seal_png), field_name=field_name, when=when)


def annex_text(number: str, when: datetime) -> str:
    """The annex signature's two lines: the number and notation, the signing time in ISO 8601."""
    return f"{number}\n{when.astimezone(zone(VIETNAM)).isoformat(timespec='seconds')}"


def _annex_style() -> TextStampStyle:
    font = liberation_serif("regular")
    if font is None:
        raise SigningError(_("The font {font} for the annex's signature is not installed "
                             "(apt-get install fonts-liberation2)", font="Liberation Serif"))
    return TextStampStyle(
        border_width=0, background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(em_1000(font)), font_size=ANNEX_FONT_PT),
                                    font_size=ANNEX_FONT_PT, border_width=0, text_color=(0, 0, 0)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.NO_SCALING),
        stamp_text="%(annex)s",
    )


def sign_annex(pdf: bytes, signer: signers.Signer, *, number: str, when: datetime, field_name: str) -> bytes:
    """The organisation's text signature of an annex in its own file: no image; the number and
    notation and the signing time (+07:00), Times New Roman (Liberation Serif) 10 pt, black, at
    the top right of page 1."""
    return _sign(pdf, signer, box=annex_box(pdf), style=_annex_style(), field_name=field_name, when=when,
                 text_params={"annex": annex_text(number, when)})
