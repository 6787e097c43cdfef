"""Uploaded documents: PDF, JPEG or PNG only, checked by content, size-limited, stored under
generated names outside the static root, with a SHA-256 for duplicate detection (R-7c).

Every upload of the product (settlement documents and receipts, invitation letters, ARCO
documents) goes through `check_upload`, which parses the whole file the way the stamp (R-3.7)
and the bundle will later read it: a file that passes here can always be stamped. Bounds, from
settings (README, configuration): bytes per file (VIATICOS_MAX_UPLOAD_BYTES), pixels per image
(VIATICOS_MAX_IMAGE_PIXELS), pages per PDF (VIATICOS_MAX_PDF_PAGES). Oversize requests are cut
short before they reach the disk by `LimitedUploadHandler` and `RequestSizeLimitMiddleware`.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from viaticos.errors import CommonError, DomainError

# Magic numbers: what a file is, whatever its name says.
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    def storage_name(self, prefix: str) -> str:
        """A generated name: never the user's file name (no guessing, no path tricks)."""
        return f"{prefix}/{uuid.uuid4().hex}.{self.extension}"


def max_bytes() -> int:
    return settings.VIATICOS_MAX_UPLOAD_BYTES


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if content.startswith(magic):
            return kind
    return None


def _corrupt(field: str) -> DomainError:
    return DomainError(
        CommonError.FILE_CORRUPT,
        _("The file is damaged or incomplete and cannot be opened. Upload it again."),
        field=field,
    )


def _too_large(field: str) -> DomainError:
    return DomainError(
        CommonError.FILE_TOO_LARGE,
        _("The file is larger than %(mb)s MB. Upload a smaller copy.")
        % {"mb": max(1, max_bytes() // (1024 * 1024))},
        field=field,
    )


def _check_image(content: bytes, content_type: str, field: str) -> None:
    """Decode the whole image, but only after its declared size is within the pixel cap.

    The end markers are checked explicitly: WeasyPrint turns on Pillow's global
    LOAD_TRUNCATED_IMAGES, under which Pillow pads half a JPEG with grey instead of failing.
    A small file can declare a huge canvas (a 17 KB PNG of 12000×12000 px, a "decompression
    bomb"); the header is read first and such a file is refused before any pixel is decoded.
    """
    from PIL import Image, UnidentifiedImageError

    tail = content[-2048:]
    if content_type == "image/jpeg" and b"\xff\xd9" not in tail:
        raise _corrupt(field)
    if content_type == "image/png" and b"IEND\xaeB`\x82" not in tail:
        raise _corrupt(field)
    cap = settings.VIATICOS_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Our own cap (below Pillow's) is checked from the header; Pillow's error remains
            # for canvases beyond twice its limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > cap:
                    raise _image_too_large(width, height, cap, field)
                if getattr(image, "n_frames", 1) > 1:
                    raise _corrupt(field)
                image.load()
    except DomainError:
        raise
    except Image.DecompressionBombError:
        raise _image_too_large(0, 0, cap, field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt(field) from exc


def _image_too_large(width: int, height: int, cap: int, field: str) -> DomainError:
    return DomainError(
        CommonError.IMAGE_TOO_LARGE,
        _(
            "The image is too large (%(size)s); at most %(mp)s megapixels are accepted. "
            "Scan or photograph it at a lower resolution."
        )
        % {
            "size": f"{width}×{height} px" if width else _("too many pixels"),
            "mp": max(1, cap // 1_000_000),
        },
        field=field,
    )


def _check_pdf(content: bytes, field: str) -> None:
    """Open the PDF as the stamp will (pypdf), count its pages, and parse every page.

    A file that only starts with `%PDF-` and ends with `%%EOF` (an HTML page in disguise) has no
    document structure and is refused here, not later when the settlement is received.
    """
    from pypdf import PdfReader

    if b"%%EOF" not in content[-2048:]:
        raise _corrupt(field)
    cap = settings.VIATICOS_MAX_PDF_PAGES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise DomainError(
                    CommonError.FILE_ENCRYPTED,
                    _("The PDF is password-protected. Upload a copy without a password."),
                    field=field,
                )
            pages = len(reader.pages)
            if pages == 0:
                raise _corrupt(field)
            if pages > cap:
                raise DomainError(
                    CommonError.PDF_TOO_MANY_PAGES,
                    _(
                        "The PDF has %(pages)s pages; at most %(cap)s are accepted. "
                        "Split it into several files."
                    )
                    % {"pages": pages, "cap": cap},
                    field=field,
                )
            for page in reader.pages:
                page.mediabox.width  # noqa: B018 - reads the page box
                contents = page.get_contents()
                if contents is not None:
                    contents.operations  # noqa: B018 - parses the content stream
    except DomainError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed files
        raise _corrupt(field) from exc


def check_upload(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """Validate an uploaded document or raise DomainError with a message for the user."""
    limit = max_bytes()
    if getattr(upload, "over_limit", False) or (upload.size is not None and upload.size > limit):
        raise _too_large(field)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(field)
    if not content:
        raise DomainError(CommonError.FILE_EMPTY, _("The file is empty."), field=field)
    kind = sniff(content)
    if kind is None:
        raise DomainError(
            CommonError.FILE_TYPE_NOT_ALLOWED,
            _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
            field=field,
        )
    content_type, extension = kind
    if content_type == "application/pdf":
        _check_pdf(content, field)
    else:
        _check_image(content, content_type, field)
    return CheckedUpload(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=(upload.name or "")[:200],
    )


class OversizeUpload(InMemoryUploadedFile):
    """What the handler hands over for a file cut off at the limit: no content, a flag, so
    that `check_upload` answers the same clear "too large" as for any other oversize file."""

    over_limit = True


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: counts each file's bytes as they arrive and, past
    VIATICOS_MAX_UPLOAD_BYTES, stops passing them on, so no later handler writes the rest to a
    temporary file. The request body is still drained (the connection must be answered), but
    nothing beyond the limit is kept in memory or on disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over:
            return None
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.over = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.over:
            return None  # the next handler (memory or temporary file) returns the file
        return OversizeUpload(
            io.BytesIO(b""),
            self.field_name,
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def upload_interrupted(self) -> None:  # pragma: no cover - nothing of ours to clean
        return None
