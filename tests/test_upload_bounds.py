"""Uploads bounded before decoding (issue 28): an image's size is read from its header and refused
above the limit before anything decodes it; a refused upload leaves nothing in the store, by
any path (the admin, the command line); and one user has at most a few large uploads in flight
in a process, the next answered 429 before its body is read."""
from __future__ import annotations

import io
import struct
import threading
import time
import zlib

import pytest

from tests import samples
from tests.helpers import first_case
from tests.web import csrf_token, login
from vocabulary.config import Settings
from workflow.errors import BadData
from workflow.records.files import MAX_IMAGE_PIXELS, FileStore


def png(width: int, height: int, bit_depth: int = 1, colour: int = 0) -> bytes:
    """A real PNG of ``width`` × ``height`` pixels, all black: small, however many pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    channels = {0: 1, 2: 3, 6: 4}[colour]
    row = b"\x00" + bytes((width * channels * bit_depth + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def pdf(mark: str) -> bytes:
    """A real PDF of its own bytes (a comment inside)."""
    head, _mark, rest = samples.PDF.partition(b"\n")
    return head + f"\n% {mark}".encode() + _mark + rest


def blobs(directory) -> list:
    return [path for path in directory.glob("*/*") if path.parent.name != "incoming" and path.is_file()]


@pytest.mark.parametrize("width, height", [(13_370, 13_370), (7_000, 7_000), (30_000, 10)])
def test_an_image_too_large_is_refused_from_its_header(tmp_path, width, height):
    store = FileStore(tmp_path, 50_000_000)
    content = png(width, height)
    started = time.monotonic()
    with pytest.raises(BadData, match="triệu điểm ảnh"):
        store.store_upload(io.BytesIO(content), "anh.png")
    assert time.monotonic() - started < 1.5  # nothing was decoded
    assert blobs(tmp_path) == []


def test_an_image_within_the_limit_is_kept(tmp_path):
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS >= 0
    stored = FileStore(tmp_path, 50_000_000).store_upload(io.BytesIO(png(2_000, 1_500, 8, 2)), "anh.png")
    assert stored.content_type == "image/png" and len(blobs(tmp_path)) == 1
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS


@pytest.fixture
def served(web_db_url, tmp_path):
    from wsgi import create_app

    application = create_app(Settings(database_url=web_db_url, secret_key="test", files_dir=tmp_path / "files",
                                      checkpoint_dir=tmp_path / "checkpoints"))
    application.config["TESTING"] = True
    yield application
    application.extensions["database"].dispose()


def _attach(client, case_id: int, content: bytes, kind: str, name: str = "bien-ban.pdf"):
    token = csrf_token(client, f"/admin/inspection/details/?id={case_id}")
    return client.post(f"/admin/inspection/attach/{case_id}", data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("role, kind", [("unit", "minutes"), ("auditor", "other")])
def test_a_refused_attachment_leaves_nothing_stored(served, tmp_path, role, kind):
    database = served.extensions["database"]
    case_id = first_case(database, "direct", "office").id
    client = served.test_client()
    login(client, role)
    response = _attach(client, case_id, pdf("refused"), kind)
    assert response.status_code in (302, 403, 404)
    assert blobs(tmp_path / "files") == []
    coordinator = served.test_client()
    login(coordinator, "coordinator")
    assert _attach(coordinator, case_id, pdf("kept"), "other").status_code == 302
    assert len(blobs(tmp_path / "files")) == 1  # an accepted one stays


def test_a_refused_attachment_from_the_command_line_leaves_nothing_stored(cli, tmp_path):
    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(pdf("cli"))
    result = cli("documents", "attach", "1", "minutes", str(scan), "--as", "nobody@tuky.local", check=False)
    assert result.returncode != 0
    cli("users", "create", "vt@tuky.local", "--role", "unit", "--unit", "Phòng Tài nguyên và Môi trường")
    refused = cli("documents", "attach", "1", "minutes", str(scan), "--as", "vt@tuky.local", check=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert blobs(tmp_path / "files") == []
    cli("documents", "attach", "1", "other", str(scan))
    assert len(blobs(tmp_path / "files")) == 1


class _HeldBody(io.BytesIO):
    """A request body that arrives only when ``release`` is set: an upload in flight."""

    def __init__(self, content: bytes, release: threading.Event):
        super().__init__(content)
        self.release = release

    def read(self, size: int | None = -1) -> bytes:
        self.release.wait(30)
        return super().read(size)

    def readinto(self, buffer) -> int:
        self.release.wait(30)
        return super().readinto(buffer)


def test_one_user_has_at_most_two_large_uploads_in_flight(served, tmp_path):
    from web.uploads import MAX_UPLOADS_IN_FLIGHT

    database = served.extensions["database"]
    case_id = first_case(database, "direct", "office").id
    client = served.test_client()
    login(client, "coordinator")
    token = csrf_token(client, f"/admin/inspection/details/?id={case_id}")
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    release, answers = threading.Event(), []

    def held(number: int) -> None:
        content = body + pdf("x" * (2 * 1024 * 1024) + str(number)) + f"\r\n--{boundary}--\r\n".encode()
        response = client.post(f"/admin/inspection/attach/{case_id}", input_stream=_HeldBody(content, release),
                               content_type=f"multipart/form-data; boundary={boundary}", content_length=len(content))
        answers.append(response.status_code)

    threads = [threading.Thread(target=held, args=(n,)) for n in range(MAX_UPLOADS_IN_FLIGHT)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # both are in flight, waiting for their bodies
    one_more = client.post(f"/admin/inspection/attach/{case_id}", data={"csrf_token": token, "kind": "other",
                                                                        "file": (io.BytesIO(pdf("y" * (2 * 1024 * 1024))), "b.pdf")},
                           content_type="multipart/form-data")
    assert one_more.status_code == 429 and "cùng lúc" in one_more.get_data(as_text=True)
    other_user = served.test_client()
    login(other_user, "admin")
    assert other_user.get("/admin/").status_code == 200  # others are not held up
    release.set()
    for thread in threads:
        thread.join(30)
    assert answers == [302] * MAX_UPLOADS_IN_FLIGHT
    small = client.post(f"/admin/inspection/attach/{case_id}", data={"csrf_token": token, "kind": "other",
                                                                     "file": (io.BytesIO(pdf("after")), "c.pdf")},
                        content_type="multipart/form-data")
    assert small.status_code == 302  # the slots were given back


def test_in_flight_counts_per_key():
    from web.uploads import InFlight

    bound = InFlight(2)
    assert bound.enter("a") and bound.enter("a") and not bound.enter("a") and bound.enter("b")
    bound.leave("a")
    assert bound.enter("a")


def test_a_blob_another_upload_of_the_same_bytes_touched_is_left_to_it(db, tmp_path):
    """Request A stores a file and is refused; request B (its own context) sent the same bytes
    meanwhile and is about to record them: A's end leaves the blob."""
    import contextvars

    from workflow.records.provisional import provisional_uploads

    store = FileStore(tmp_path, 10_000_000)
    with provisional_uploads(db.session):
        store.store_upload(io.BytesIO(pdf("shared")), "a.pdf")
        time.sleep(0.01)
        contextvars.Context().run(store.store_upload, io.BytesIO(pdf("shared")), "b.pdf")
    assert len(blobs(tmp_path)) == 1
    with provisional_uploads(db.session):
        store.store_upload(io.BytesIO(pdf("alone")), "c.pdf")
    assert len(blobs(tmp_path)) == 1  # the refused one alone is gone
