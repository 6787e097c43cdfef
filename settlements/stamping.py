"""The "Liquidado" stamp (R-3.7) and the stamped bundle.

When the Accounting Assistant receives a settlement, every document gets
"Liquidado, Fecha: <dd/mm/yyyy>, Responsable: <name>" burned into a *copy*; the original bytes
are never modified (the caller stores the copy beside the original).

- PDF: the stamp is drawn into the content stream of every page (not an annotation, which a
  viewer may hide or a user delete), on a white box with a red border, top right of the
  visible area, after any page rotation has been baked into the content so that it reads
  upright. The text is real PDF text (base-14 Helvetica), so it can be searched and verified.
- Image (JPEG/PNG): the stamp is burned into the pixels with Pillow, and the stamped copy keeps
  the original's format, so it previews as an image; the EXIF orientation is applied first so
  the stamp is upright on phone photos. The stamp text is also written in the image's comment
  (JPEG COM / PNG tEXt) for machines; the pixels are the legal stamp.
- Bundle: one PDF = a cover sheet (HTML → PDF) listing the documents, then each stamped
  document in order; images become one page each, scaled to fit A4.

The stamp wording is the organization's legal formula and stays in Spanish whatever the user's
language. Unreadable input raises DomainError, never a crash half-way.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from viaticos.errors import DomainError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
IMAGE_TYPES = {JPEG: "JPEG", PNG: "PNG"}

STAMP_RED = (0.75, 0.05, 0.05)
STAMP_RED_RGB = (190, 13, 13)
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
A4_POINTS = (595.28, 841.89)


@dataclass(frozen=True)
class Stamp:
    """What R-3.7 burns into each document."""

    date: dt.date
    responsible: str

    @property
    def text(self) -> str:
        name = " ".join(self.responsible.split()) or "—"
        return f"Liquidado, Fecha: {self.date:%d/%m/%Y}, Responsable: {name}"


@dataclass(frozen=True)
class StampedDocument:
    content: bytes
    content_type: str
    extension: str


@dataclass(frozen=True)
class BundleItem:
    """One document of the bundle: its stamped bytes and how the cover sheet lists it."""

    label: str
    content: bytes
    content_type: str
    detail: str = ""


def _corrupt(field: str | None = None) -> DomainError:
    return DomainError(
        "file_corrupt",
        _("The file is damaged or incomplete and cannot be opened. Upload it again."),
        field=field,
    )


# --- PDF --------------------------------------------------------------------------------------

# Helvetica advance widths (1/1000 em) for the characters a stamp uses; others count as "m"-ish.
_HELVETICA_WIDTHS = {
    " ": 278, ",": 278, ".": 278, ":": 278, "/": 278, "-": 333, "'": 191,
    **dict.fromkeys("0123456789", 556),
    **dict.fromkeys("abcdeghnopqsuvxyzáéóúñü", 556), **dict.fromkeys("fjt", 278),
    **dict.fromkeys("ilí", 222), "k": 500, "r": 333, "m": 833, "w": 722,
    **dict.fromkeys("ABEKPSVXYÁÉ", 667), **dict.fromkeys("CDHNRUÑÚ", 722),
    **dict.fromkeys("FTZ", 611), **dict.fromkeys("GOQÓ", 778), "I": 278, "Í": 278, "J": 500,
    "L": 556, "M": 833, "W": 944,
}  # fmt: skip


def _text_width(text: str, size: float) -> float:
    return sum(_HELVETICA_WIDTHS.get(ch, 667) for ch in text) * size / 1000


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (what base-14 Helvetica reads)."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _stamp_operators(text: str, box: tuple[float, float, float, float]) -> bytes:
    """Content-stream operators drawing the stamp in the top-right corner of `box`."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    margin = min(18.0, width * 0.03)
    size = 9.0
    available = width - 2 * margin - 12
    if _text_width(text, size) > available:
        size = max(4.0, size * available / _text_width(text, size))
    text_w = _text_width(text, size)
    box_w, box_h = text_w + 12, size + 10
    bx = x1 - margin - box_w
    by = y1 - min(margin, height * 0.03) - box_h
    r, g, b = STAMP_RED
    ops = (
        f"q 1 1 1 rg {r} {g} {b} RG 1.2 w "
        f"{bx:.2f} {by:.2f} {box_w:.2f} {box_h:.2f} re B "
        f"BT {r} {g} {b} rg /FStamp {size:.2f} Tf {bx + 6:.2f} {by + 5 + size * 0.22:.2f} Td "
    ).encode()
    return ops + _pdf_string(text) + b" Tj ET Q"


def _overlay_page(writer, text: str, page):
    from pypdf import PageObject
    from pypdf.generic import (
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    box = page.cropbox
    overlay = PageObject.create_blank_page(
        width=float(page.mediabox.right), height=float(page.mediabox.top)
    )
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FStamp"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(
        _stamp_operators(
            text, (float(box.left), float(box.bottom), float(box.right), float(box.top))
        )
    )
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    return overlay


def _read_pdf(content: bytes):
    from pypdf import PdfReader

    # pypdf raises many exception types on malformed files (PdfReadError, ValueError,
    # KeyError, struct errors…); any of them means "this file cannot be stamped".
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(
                "file_encrypted",
                _("The PDF is password-protected. Upload a copy without a password."),
            )
        if len(reader.pages) == 0:
            raise _corrupt()
        return reader
    except DomainError:
        raise
    except Exception as exc:
        raise _corrupt() from exc


def stamp_pdf(content: bytes, stamp: Stamp) -> bytes:
    """R-3.7: a copy of the PDF with the stamp burned into every page."""
    from pypdf import PdfWriter

    reader = _read_pdf(content)
    writer = PdfWriter()
    try:
        for source in reader.pages:
            page = writer.add_page(source)
            if page.rotation % 360:
                page.transfer_rotation_to_content()
            page.merge_page(_overlay_page(writer, stamp.text, page))
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # a malformed page tree or content stream
        raise _corrupt() from exc
    return out.getvalue()


def pdf_page_count(content: bytes) -> int:
    return len(_read_pdf(content).pages)


# --- Images -----------------------------------------------------------------------------------


def _looks_complete(content: bytes) -> bool:
    """The file ends where its format says it ends (PNG IEND chunk, JPEG EOI marker).

    Checked by hand because WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES, after which
    Pillow silently pads a truncated image with grey instead of failing.
    """
    if content.startswith(b"\x89PNG"):
        return b"IEND" in content[-16:]
    if content.startswith(b"\xff\xd8"):
        return b"\xff\xd9" in content[-32:]
    return True


def _open_image(content: bytes):
    from PIL import Image, ImageOps

    if not _looks_complete(content):
        raise _corrupt()
    try:
        with Image.open(io.BytesIO(content)) as source:
            source.load()
            return ImageOps.exif_transpose(source) or source
    except Exception as exc:  # UnidentifiedImageError, truncated data, decompression bomb…
        raise _corrupt() from exc


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(f"{FONT_DIR}/DejaVuSans-Bold.ttf", size)
    except OSError:  # no DejaVu on this machine: Pillow's own scalable font
        return ImageFont.load_default(size=size)


def _burn(image, text: str):
    """Draw the stamp into the pixels, top right, sized to the image."""
    from PIL import ImageDraw

    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    width, height = image.size
    margin = max(4, width // 60)
    size = max(10, min(width, height * 2) // 45)
    font = _font(size)
    draw = ImageDraw.Draw(image)
    while size > 6:
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left + 4 * margin <= width:
            break
        size -= 1
        font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    pad = max(3, size // 3)
    box_w, box_h = right - left + 2 * pad, bottom - top + 2 * pad
    x0 = max(0, width - margin - box_w)
    y0 = min(margin, max(0, height - box_h))
    border = max(2, size // 8)
    draw.rectangle(
        (x0, y0, x0 + box_w, y0 + box_h), fill="white", outline=STAMP_RED_RGB, width=border
    )
    draw.text((x0 + pad - left, y0 + pad - top), text, font=font, fill=STAMP_RED_RGB)
    return image


def stamp_image(content: bytes, content_type: str, stamp: Stamp) -> bytes:
    """R-3.7: a copy of the JPEG/PNG with the stamp burned into its pixels, same format."""
    from PIL import PngImagePlugin

    if content_type not in IMAGE_TYPES:
        raise DomainError(
            "file_type_not_allowed",
            _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
        )
    image = _burn(_open_image(content), stamp.text)
    out = io.BytesIO()
    if content_type == JPEG:
        image.convert("RGB").save(out, "JPEG", quality=90, comment=stamp.text.encode("utf-8"))
    else:
        info = PngImagePlugin.PngInfo()
        info.add_itxt("Comment", stamp.text)
        image.save(out, "PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def image_as_pdf(content: bytes) -> bytes:
    """One PDF page holding the image, scaled to fit A4 (for the bundle)."""
    image = _open_image(content)
    if image.mode not in ("RGB", "L"):
        background = _white_background(image)
        image = background
    width, height = image.size
    # Pixels per inch so that the page is at most A4 (8.27 × 11.69 in), never above 72 dpi.
    landscape = width > height
    page_w, page_h = (11.69, 8.27) if landscape else (8.27, 11.69)
    resolution = max(72.0, width / page_w, height / page_h)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=resolution)
    return out.getvalue()


def _white_background(image):
    from PIL import Image

    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.split()[3])
    return background


# --- Documents and bundle ---------------------------------------------------------------------


def stamp_document(content: bytes, content_type: str, stamp: Stamp) -> StampedDocument:
    """R-3.7: the stamped copy of a PDF, JPEG or PNG; `content` itself is left untouched."""
    if content_type == PDF:
        return StampedDocument(stamp_pdf(content, stamp), PDF, "pdf")
    stamped = stamp_image(content, content_type, stamp)
    return StampedDocument(stamped, content_type, "jpg" if content_type == JPEG else "png")


def as_pdf(content: bytes, content_type: str) -> bytes:
    if content_type == PDF:
        _read_pdf(content)
        return content
    if content_type in IMAGE_TYPES:
        return image_as_pdf(content)
    raise DomainError(
        "file_type_not_allowed",
        _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
    )


def build_bundle(
    items: Sequence[BundleItem],
    *,
    title: str,
    context: dict | None = None,
    cover_template: str = "settlements/pdf/bundle_cover.html",
) -> bytes:
    """R-3.7: one PDF = cover sheet listing the documents + each (stamped) document in order.

    `items` are already stamped; the cover sheet gives each document its first page number in
    the bundle so that a reader can find it.
    """
    from pypdf import PdfReader, PdfWriter

    from viaticos.pdf import render_pdf

    pdfs = [as_pdf(item.content, item.content_type) for item in items]
    counts = [pdf_page_count(pdf) for pdf in pdfs]
    base = dict(context or {})

    def cover(first_page: int) -> bytes:
        rows, start = [], first_page
        for number, (item, count) in enumerate(zip(items, counts, strict=True), start=1):
            rows.append(
                {
                    "number": number,
                    "label": item.label,
                    "detail": item.detail,
                    "pages": count,
                    "first_page": start,
                }
            )
            start += count
        return render_pdf(
            cover_template,
            {**base, "title": title, "documents": rows, "total_pages": start - 1},
        )

    # The cover's own length decides where the documents start; render until it is stable
    # (twice at most in practice: a cover longer than one page shifts the numbers once).
    cover_pdf = cover(2)
    cover_pages = pdf_page_count(cover_pdf)
    if cover_pages != 1:
        cover_pdf = cover(cover_pages + 1)

    writer = PdfWriter()
    try:
        for pdf in [cover_pdf, *pdfs]:
            writer.append(PdfReader(io.BytesIO(pdf), strict=False))
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:
        raise _corrupt() from exc
    return out.getvalue()
