import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from viaticos.errors import DomainError
from viaticos.uploads import check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
