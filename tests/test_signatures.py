"""The signing library on real PDFs: documents laid out by documents.layout and rendered by
LibreOffice, keys from the test PKI (tests/pki.py) on a SoftHSM2 token and in PKCS#12 files,
validation by pyHanko. No database. The signed pages go to tests/artifacts/signatures/ as PNG."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents.layout import Heading, OfficialDocument, Signature
from documents.pdf import PdfConverter
from documents.signatures.checking import TrustStore, Verdict, check_pdf, first_signed_revision
from documents.signatures.keys import CertificateInfo, KeySpec, SigningError, certificate_of, open_signer
from documents.signatures.placement import MM, annex_box, page_lines, person_box, seal_box
from documents.signatures.signing import sign_annex, sign_organisation, sign_person
from tests import pki as test_pki
from tests.conftest import VN, missing
from tests.signature_images import blue_signature_png, red_seal_png

ARTIFACTS = Path(__file__).parent / "artifacts" / "signatures"
WHEN = datetime.now(VN).replace(microsecond=0)
BODY = test_pki.BODY
CHAIR = "Nguyễn Văn Ánh"
ENV = {"P12_PASSPHRASE": test_pki.PASSPHRASE}


def _notice() -> bytes:
    document = OfficialDocument()
    document.heading(Heading(agency=("ỦY BAN NHÂN DÂN", "XÃ QUANG KHẢI"), number="05/TB-UBND", place="Quang Khải",
                             day=date(2026, 12, 8)))
    document.title("THÔNG BÁO", ["Kết luận kiểm tra công tác cải cách hành chính năm 2026"])
    for _ in range(5):
        document.paragraph("Đoàn kiểm tra đã kiểm tra công tác cải cách hành chính năm 2026 tại UBND xã Quang Khải; "
                           "UBND xã đã quan tâm chỉ đạo, triển khai các nhiệm vụ cải cách hành chính theo kế hoạch.")
    document.closing(["Như trên;", "UBND huyện Tứ Kỳ;"], Signature(title="CHỦ TỊCH", name=CHAIR,
                                                                    on_behalf="TM. ỦY BAN NHÂN DÂN"))
    return document.bytes()


def _minutes() -> bytes:
    document = OfficialDocument()
    document.heading(Heading(agency=("ỦY BAN NHÂN DÂN", "HUYỆN TỨ KỲ"), number="11/BB-ĐKT", place="Quang Khải",
                             day=date(2026, 12, 8)))
    document.title("BIÊN BẢN", ["Kiểm tra công tác cải cách hành chính tại UBND xã Quang Khải"])
    document.paragraph("Đoàn kiểm tra đã làm việc với UBND xã Quang Khải về công tác cải cách hành chính năm 2026.")
    document.signatures_side_by_side(Signature(title="ĐẠI DIỆN ĐƠN VỊ\nCHỦ TỊCH UBND XÃ", name="Vũ Văn Dũng"),
                                     Signature(title="THƯ KÝ", name="Trần Thị Hồng"),
                                     Signature(title="TRƯỞNG ĐOÀN", name=CHAIR))
    return document.bytes()


@pytest.fixture(scope="session")
def rendered() -> dict[str, bytes]:
    """The notice and the minutes as LibreOffice renders them: {"notice": pdf, "minutes": pdf}."""
    soffice = shutil.which("soffice")
    if not soffice or not shutil.which("pdftoppm"):
        missing("LibreOffice / poppler-utils", "soffice or pdftoppm not found (scripts/system-deps.sh test)")
    converted = PdfConverter(soffice).convert_many({"notice.docx": _notice(), "minutes.docx": _minutes()})
    return {name.removesuffix(".pdf"): content for name, content in converted.items()}


@pytest.fixture(scope="session")
def trust(signing_pki) -> TrustStore:
    return TrustStore.from_folder(signing_pki.trust_dir)


@pytest.fixture(scope="session")
def person_token(softhsm, signing_pki):
    """The chair's key on a SoftHSM2 token, as a user's PKCS#11 key."""
    token = softhsm.make_token("chair-token", signing_pki["person"], "chair-key")
    spec = KeySpec("pkcs11", module=token.module, token=token.label, key=token.key_label, pin_env="TOKEN_PIN")
    return spec, token.env


def p12(signing_pki, slug: str) -> KeySpec:
    return KeySpec("p12", p12_path=str(signing_pki[slug].p12_path), passphrase_env="P12_PASSPHRASE")


def sign_as_person(pdf: bytes, spec: KeySpec, environ, box=None, field: str = "Signature1") -> bytes:
    with open_signer(spec, environ) as signer:
        return sign_person(pdf, signer, box=box or person_box(pdf, "CHỦ TỊCH", CHAIR), image_png=blue_signature_png(),
                           field_name=field, when=WHEN, reason="Ký ban hành", location="Quang Khải")


def widget_rect(pdf: bytes, field: str) -> tuple[int, list[float]]:
    """The page and /Rect of the field's widget, read back from the file."""
    for number, page in enumerate(PdfReader(BytesIO(pdf)).pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/T") == field:
                return number, [float(value) for value in annotation["/Rect"]]
    raise AssertionError(f"no widget {field}")


def appearance_text(pdf: bytes, field: str) -> str:
    """The text the field's appearance draws, read by pypdf from a page that shows only it."""
    reader = PdfReader(BytesIO(pdf))
    number, _rect = widget_rect(pdf, field)
    appearance = next(annotation.get_object()["/AP"]["/N"] for annotation in reader.pages[number]["/Annots"]
                      if annotation.get_object().get("/T") == field)
    writer = PdfWriter()
    page = writer.add_blank_page(300, 100)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Ap"): appearance.clone(writer).indirect_reference})})
    content = DecodedStreamObject()
    content.set_data(b"q /Ap Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    return page.extract_text()


def save_png(pdf: bytes, name: str, page: int) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(page + 1), "-l", str(page + 1), "-singlefile",
                    str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True, timeout=60)
    return ARTIFACTS / f"{name}.png"


def test_a_notice_signed_by_the_person_on_a_token_then_by_the_organisation(rendered, person_token, signing_pki, trust):
    notice = rendered["notice"]
    box = person_box(notice, "CHỦ TỊCH", CHAIR)
    person_signed = sign_as_person(notice, *person_token, box=box, field="ChuKyNguoiKy")
    with open_signer(p12(signing_pki, "organisation"), ENV) as signer:
        signed = sign_organisation(person_signed, signer, box=seal_box(box), seal_png=red_seal_png(),
                                   field_name="ChuKyCoQuan", when=WHEN)

    verdict = check_pdf(signed, trust)
    assert verdict.status == "valid", verdict.message
    assert [(item.field, item.role, item.signer) for item in verdict.signatures] == [
        ("ChuKyNguoiKy", "person", CHAIR), ("ChuKyCoQuan", "organisation", BODY)]
    assert verdict.has_person and verdict.has_organisation
    assert all(item.intact and item.trusted and item.covers_whole_file for item in verdict.signatures)
    assert verdict.message == f"Chữ ký số hợp lệ — ký bởi {CHAIR}, {BODY}, lúc {WHEN:%d/%m/%Y %H:%M}"
    assert Verdict.from_json(verdict.as_json()) == verdict

    # pyHanko's own validator, on its own terms, agrees: both intact, trusted, the first one
    # followed only by the second signature (form filling)
    reader = PdfFileReader(BytesIO(signed))
    statuses = [validate_pdf_signature(embedded, ValidationContext(trust_roots=list(trust.roots), allow_fetching=False))
                for embedded in reader.embedded_signatures]
    assert [status.bottom_line for status in statuses] == [True, True]
    assert [status.signing_cert.subject.native["common_name"] for status in statuses] == [CHAIR, BODY]
    assert statuses[0].modification_level.name == "FORM_FILLING" and statuses[1].coverage.name == "ENTIRE_FILE"

    # Phụ lục I: the person's image between "CHỦ TỊCH" and the name, the seal over its left third
    page, person = widget_rect(signed, "ChuKyNguoiKy")
    seal_page, seal = widget_rect(signed, "ChuKyCoQuan")
    lines = {line.text: line for line in page_lines(PdfReader(BytesIO(notice)).pages[page])}
    title, name = lines["CHỦ TỊCH"], lines[CHAIR]
    assert name.baseline < person[1] < person[3] < title.baseline
    assert abs((person[0] + person[2]) / 2 - title.centre) < 1
    assert person[2] - person[0] == pytest.approx(50 * MM, abs=1)
    assert seal_page == page and seal[2] - seal[0] == pytest.approx(36 * MM, abs=0.5)
    seal_x, seal_y = (seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2
    assert person[0] < seal_x < person[0] + (person[2] - person[0]) / 3
    assert seal_y == pytest.approx((person[1] + person[3]) / 2, abs=0.5)

    assert first_signed_revision(signed) == notice
    assert first_signed_revision(person_signed) == notice
    assert save_png(signed, "notice-signed", page).stat().st_size > 0


def test_the_minutes_place_each_signature_in_its_own_column(rendered, signing_pki, trust):
    minutes = rendered["minutes"]
    lines = page_lines(PdfReader(BytesIO(minutes)).pages[-1])
    boxes = {title: person_box(minutes, title, name) for title, name in
             (("CHỦ TỊCH UBND XÃ", "Vũ Văn Dũng"), ("THƯ KÝ", "Trần Thị Hồng"), ("TRƯỞNG ĐOÀN", CHAIR))}
    for title, box in boxes.items():
        line = next(line for line in lines if line.text == title)
        assert abs(box.centre[0] - line.centre) < 1
        assert box.y1 < line.baseline and box.height > 15 * MM
    ordered = sorted(boxes.values(), key=lambda box: box.x0)
    assert all(left.x1 <= right.x0 for left, right in zip(ordered, ordered[1:]))
    with pytest.raises(SigningError, match="Không tìm thấy khối chữ ký"):
        person_box(minutes, "TRƯỞNG ĐOÀN", "Vũ Văn Dũng")  # a name under another column's title

    # the team's chair and secretary sign, then the organisation over the chair's signature
    signed = minutes
    for slug, title, field in (("person", "TRƯỞNG ĐOÀN", "TruongDoan"), ("secretary", "THƯ KÝ", "ThuKy")):
        with open_signer(p12(signing_pki, slug), ENV) as signer:
            signed = sign_person(signed, signer, box=boxes[title], image_png=blue_signature_png(), field_name=field,
                                 when=WHEN)
    with open_signer(p12(signing_pki, "organisation"), ENV) as signer:
        signed = sign_organisation(signed, signer, box=seal_box(boxes["TRƯỞNG ĐOÀN"]), seal_png=red_seal_png(),
                                   field_name="CoQuan", when=WHEN)
    verdict = check_pdf(signed, trust)
    assert verdict.status == "valid" and [item.role for item in verdict.signatures] == ["person", "person", "organisation"]
    assert first_signed_revision(signed) == minutes
    save_png(signed, "minutes-signed", boxes["TRƯỞNG ĐOÀN"].page)


def test_a_tampered_file_is_broken(rendered, signing_pki, trust):
    signed = sign_as_person(rendered["notice"], p12(signing_pki, "person"), ENV)
    tampered = bytearray(signed)
    middle = len(rendered["notice"]) // 2
    tampered[middle] ^= 0x01  # one bit inside the range the signature covers
    verdict = check_pdf(bytes(tampered), trust)
    assert verdict.status == "broken"
    assert verdict.message == f"{CHAIR}: Tệp đã bị sửa đổi sau khi ký"
    assert not verdict.signatures[0].intact and not verdict.has_person


def test_a_page_changed_after_signing_is_broken(rendered, signing_pki, trust):
    """An incremental update that rewrites the page's text: every byte signed is intact, but the
    signature no longer covers what is shown."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_as_person(rendered["notice"], p12(signing_pki, "person"), ENV)
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 700 Td (Forged) Tj ET"))
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    verdict = check_pdf(output.getvalue(), trust)
    assert verdict.status == "broken"
    assert verdict.signatures[0].intact and not verdict.signatures[0].covers_whole_file


@pytest.mark.parametrize("slug, status, message", [
    ("expired", "expired", "Chứng thư số đã hết hạn (hoặc chưa có hiệu lực) tại thời điểm ký"),
    ("untrusted", "untrusted", "Chứng thư số của người ký không dẫn về chứng thư gốc được tin cậy"),
    ("revoked", "revoked", "Chứng thư số đã bị thu hồi (theo danh sách thu hồi CRL của Test Issuing CA)"),
])
def test_a_signature_by_a_bad_certificate_gets_its_verdict(rendered, signing_pki, trust, slug, status, message):
    signed = sign_as_person(rendered["notice"], p12(signing_pki, slug), ENV)
    verdict = check_pdf(signed, trust)
    assert verdict.status == status
    assert verdict.message == f"{signing_pki[slug].name}: {message}"
    assert not verdict.has_person and not verdict.signatures[0].ok
    assert verdict.signatures[0].intact and verdict.signatures[0].covers_whole_file


def test_the_worst_signature_decides(rendered, signing_pki, trust):
    """A valid organisation's signature does not redeem a revoked person's."""
    once = sign_as_person(rendered["notice"], p12(signing_pki, "revoked"), ENV)
    with open_signer(p12(signing_pki, "organisation"), ENV) as signer:
        twice = sign_organisation(once, signer, box=seal_box(person_box(once, "CHỦ TỊCH", CHAIR)), seal_png=None,
                                  field_name="Seal", when=WHEN)
    verdict = check_pdf(twice, trust)
    assert verdict.status == "revoked" and verdict.has_organisation and not verdict.has_person


def test_unsigned_garbage_and_encrypted_files_get_a_verdict(rendered, trust, tmp_path):
    assert check_pdf(rendered["notice"], trust) == Verdict("unsigned", (), False, False, "Tệp không có chữ ký số")
    for garbage in (b"", b"not a pdf at all", rendered["notice"][:2000]):
        assert check_pdf(garbage, trust).status == "broken"
    writer = PdfWriter(clone_from=BytesIO(rendered["notice"]))
    writer.encrypt("secret")
    encrypted = BytesIO()
    writer.write(encrypted)
    verdict = check_pdf(encrypted.getvalue(), trust)
    assert verdict.status == "broken" and "mã hóa" in verdict.message


def test_an_empty_trust_folder_trusts_nobody(rendered, signing_pki, tmp_path):
    signed = sign_as_person(rendered["notice"], p12(signing_pki, "person"), ENV)
    assert check_pdf(signed, TrustStore.from_folder(tmp_path)).status == "untrusted"
    assert check_pdf(signed, TrustStore.from_folder(None)).status == "untrusted"
    (tmp_path / "root.der").write_bytes(signing_pki.root.public_bytes(Encoding.DER))
    (tmp_path / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert check_pdf(signed, TrustStore.from_folder(tmp_path)).status == "valid"


def test_an_out_of_date_crl_is_named_as_the_reason(rendered, signing_pki, tmp_path):
    """The issuer's CRL in the folder must clear the certificate; a stale one cannot."""
    shutil.copy(signing_pki.trust_dir / "root.pem", tmp_path)
    signing_pki.revoke(folder=tmp_path, issued=test_pki.NOW - timedelta(days=60))
    signed = sign_as_person(rendered["notice"], p12(signing_pki, "person"), ENV)
    verdict = check_pdf(signed, TrustStore.from_folder(tmp_path))
    assert verdict.status == "untrusted"
    assert verdict.message == (f"{CHAIR}: Không kiểm tra được tình trạng thu hồi của chứng thư số: danh sách thu hồi "
                               "CRL của Test Issuing CA trong thư mục tin cậy đã quá hạn")


def test_the_annex_is_signed_with_text_at_the_top_right_of_page_one(rendered, signing_pki, trust):
    annex = rendered["notice"]
    with open_signer(p12(signing_pki, "organisation"), ENV) as signer:
        signed = sign_annex(annex, signer, number="05/PL-BB-ĐKT", when=datetime(2026, 12, 8, 9, 30, tzinfo=VN),
                            field_name="ChuKyPhuLuc")
    page, rect = widget_rect(signed, "ChuKyPhuLuc")
    width, height = (float(value) for value in PdfReader(BytesIO(annex)).pages[0].mediabox.upper_right)
    assert page == 0 and rect == pytest.approx(list(annex_box(annex).rect), abs=0.01)
    assert rect[2] == pytest.approx(width - 15 * MM, abs=0.5) and height - 20 * MM < rect[1] < rect[3] < height
    assert appearance_text(signed, "ChuKyPhuLuc").split("\n")[:2] == ["05/PL-BB-ĐKT", "2026-12-08T09:30:00+07:00"]
    fonts = [str(font.get_object()["/BaseFont"]) for annotation in PdfReader(BytesIO(signed)).pages[0]["/Annots"]
             for font in annotation.get_object()["/AP"]["/N"]["/Resources"].get("/Font", {}).values()]
    assert fonts and all("LiberationSerif" in font for font in fonts)
    verdict = check_pdf(signed, trust)
    assert verdict.status == "valid" and verdict.has_organisation and not verdict.has_person
    save_png(signed, "annex-signed", 0)


def test_keys_say_why_they_cannot_be_used(signing_pki, person_token):
    spec, environ = person_token
    info = certificate_of(spec, environ)
    assert (info.common_name, info.organisation, info.is_organisation) == (CHAIR, BODY, False)
    assert certificate_of(p12(signing_pki, "organisation"), ENV).is_organisation
    assert KeySpec.from_json(spec.as_json()) == spec
    cases = [
        (spec, {"TOKEN_PIN": "000000"}, "Sai mã PIN của token chair-token"),
        (spec, {}, "Chưa đặt biến môi trường TOKEN_PIN"),
        (KeySpec("pkcs11", module=spec.module, token="no-such-token", key="k", pin_env="TOKEN_PIN"), environ,
         "Không mở được token no-such-token"),
        (KeySpec("pkcs11", module=spec.module, token=spec.token, key="no-such-key", pin_env="TOKEN_PIN"), environ,
         "không có khóa và chứng thư số mang nhãn no-such-key"),
        (p12(signing_pki, "person"), {"P12_PASSPHRASE": "wrong"}, "sai mật khẩu hoặc không phải tệp PKCS#12"),
        (KeySpec("p12", p12_path="/nonexistent.p12"), {}, "Không đọc được tệp khóa /nonexistent.p12"),
    ]
    for key, env, reason in cases:
        with pytest.raises(SigningError) as raised:
            certificate_of(key, env)
        assert reason in str(raised.value)
    with pytest.raises(SigningError, match="Khóa PKCS#11 cần"):
        KeySpec("pkcs11", module=spec.module)


def test_certificate_roles(signing_pki):
    """An organisation's certificate names it in both CN and O; a person's CN is their name."""
    from asn1crypto import x509

    def info(holder) -> CertificateInfo:
        return CertificateInfo.of(x509.Certificate.load(holder.cert_der))

    organisation, person = info(signing_pki["organisation"]), info(signing_pki["person"])
    assert organisation.is_organisation and organisation.common_name == organisation.organisation == BODY
    assert not person.is_organisation and (person.common_name, person.organisation) == (CHAIR, BODY)
    assert person.serial == format(signing_pki["person"].certificate.serial_number, "x")
    assert person.not_before < datetime.now(VN) < person.not_after and person.issuer == "Test Issuing CA"
    assert not info(signing_pki.issue("no-organisation", BODY, None)).is_organisation


def test_first_signed_revision_says_why_there_is_none(rendered, signing_pki, trust):
    """A file another tool wrote out whole with its signature is valid, but keeps no draft."""
    from pyhanko.sign import signers
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(rendered["notice"])))
    with open_signer(p12(signing_pki, "person"), ENV) as signer:
        whole = signers.PdfSigner(signers.PdfSignatureMetadata(field_name="S"), signer).sign_pdf(writer).getvalue()
    assert check_pdf(whole, trust).status == "valid"
    for pdf, reason in ((whole, "không còn bản chưa ký để đối chiếu"), (rendered["notice"], "Tệp không có chữ ký số"),
                        (b"garbage", "Không đọc được tệp dưới dạng PDF")):
        with pytest.raises(SigningError, match=reason):
            first_signed_revision(pdf)
