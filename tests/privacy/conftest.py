import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def _privacy_env(settings, tmp_path, monkeypatch, request):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVACY_CONSENT_PROMPT = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if not request.node.get_closest_marker("real_pdf"):
        from privacy import documents

        monkeypatch.setattr(
            documents, "render_pdf", lambda template, context: b"%PDF-1.4 fake\n%%EOF"
        )
    yield
    cache.clear()


def png(name="dni.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="poder.pdf"):
    from tests.factories import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(title=name), content_type="application/pdf")


@pytest.fixture
def media_files(settings):
    def listing():
        root = settings.MEDIA_ROOT
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return listing
