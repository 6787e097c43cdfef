import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from tests.factories import pdf_bytes
from viaticos.errors import DomainError
from viaticos.uploads import check_upload

PDF = pdf_bytes()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def test_truncated_jpeg_is_refused_even_after_weasyprint_relaxed_pillow():
    import weasyprint  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True)

    whole = jpeg_bytes()
    assert check_upload(SimpleUploadedFile("foto.jpg", whole)).content_type == "image/jpeg"
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("foto.jpg", whole[: len(whole) // 2]))
    assert error.value.code == "file_corrupt"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_pdf_and_png_are_accepted_by_content():
    checked = check_upload(SimpleUploadedFile("boleto.pdf", PDF))
    assert checked.content_type == "application/pdf"
    assert len(checked.sha256) == 64
    image = check_upload(SimpleUploadedFile("scan.pdf", png_bytes()))  # name lies, content wins
    assert image.content_type == "image/png"
    assert image.storage_name("receipts").endswith(".png")


@pytest.mark.parametrize(
    "content, code",
    [
        (b"MZ\x90\x00 this is an exe", "file_type_not_allowed"),
        (b"<html>not a pdf</html>", "file_type_not_allowed"),
        (b"", "file_empty"),
        (b"%PDF-1.4 truncated without end", "file_corrupt"),
        (b"\x89PNG\r\n\x1a\nnot really a png", "file_corrupt"),
    ],
)
def test_disguised_empty_or_corrupt_files_are_refused(content, code):
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("recibo.pdf", content))
    assert error.value.code == code


@override_settings(VIATICOS_MAX_UPLOAD_BYTES=1024 * 1024)
def test_oversize_file_is_refused():
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert error.value.code == "file_too_large"


def bomb_png(side: int) -> bytes:
    """A tiny file declaring a huge canvas (one colour compresses to almost nothing)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def test_image_over_the_pixel_cap_is_refused_before_decoding():
    content = bomb_png(12000)
    assert len(content) < 100_000
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("dni.png", content))
    assert error.value.code == "image_too_large"
    assert "12000×12000" in error.value.message


def test_decompression_bomb_beyond_pillows_own_limit_is_a_clear_refusal():
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("dni.png", bomb_png(20500)))  # 420 megapixels
    assert error.value.code == "image_too_large"


@override_settings(VIATICOS_MAX_PDF_PAGES=5)
def test_pdf_over_the_page_cap_is_refused():
    assert check_upload(SimpleUploadedFile("ok.pdf", pdf_bytes(pages=5))).content_type
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("long.pdf", pdf_bytes(pages=6)))
    assert error.value.code == "pdf_too_many_pages"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body>Hola</body></html>\n%%EOF",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # a PDF with no page
    ],
)
def test_pdf_without_a_document_structure_is_refused_at_upload(content):
    with pytest.raises(DomainError) as error:
        check_upload(SimpleUploadedFile("boleto.pdf", content))
    assert error.value.code == "file_corrupt"


def test_the_upload_handler_stops_keeping_a_file_past_the_limit(settings):
    from viaticos.uploads import LimitedUploadHandler

    settings.VIATICOS_MAX_UPLOAD_BYTES = 1000
    handler = LimitedUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 800, 0) == b"x" * 800
    assert handler.receive_data_chunk(b"x" * 800, 800) is None
    assert handler.receive_data_chunk(b"x" * 800, 1600) is None
    upload = handler.file_complete(2400)
    assert upload.over_limit and upload.read() == b""
    with pytest.raises(DomainError) as error:
        check_upload(upload)
    assert error.value.code == "file_too_large"


@pytest.mark.django_db
def test_a_request_over_the_total_limit_is_answered_413_unread(client, settings):
    settings.VIATICOS_MAX_REQUEST_BYTES = 1000
    response = client.post(
        "/privacidad/arco/",
        data=b"x" * 5000,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "no se recibió" in response.content.decode()
