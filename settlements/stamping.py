"""The "Liquidado" stamp (R-3.7) and the stamped bundle.

When the Accounting Assistant receives a settlement, every document gets
"Liquidado, Fecha: <dd/mm/yyyy>, Responsable: <name>" burned into a *copy*; the original bytes
are never modified (the caller stores the copy beside the original).

- PDF: the stamp is drawn into the content stream of every page (not an annotation, which a
  viewer may hide or a user delete), on a white box with a red border, top right of the
  visible area, after any page rotation has been baked into the content so that it reads
  upright. The text is real PDF text (base-14 Helvetica), so it can be searched and verified.
- JPEG (phone photos): the stamped copy is a one-page PDF that holds the original JPEG bytes
  unchanged (DCTDecode: nothing decoded, nothing re-encoded, full resolution, as img2pdf does),
  drawn upright as its EXIF orientation says, under a band at the top carrying the stamp in the
  page's content stream, as on PDF pages. A 12-MP photo is stamped in milliseconds.
- PNG (screenshots): the stamp is burned into the pixels with Pillow, in a white band added on
  top, and the copy stays a PNG (its text is also in a tEXt comment for machines).
- Bundle: one PDF = a cover sheet (HTML → PDF) listing the documents, then each stamped
  document in order on A4; images at more than print resolution (a photo's stamped PDF, a
  300-dpi scan) are downscaled to it for the bundle only.

The stamp wording is the organization's legal formula and stays in Spanish whatever the user's
language. Unreadable input raises DomainError, never a crash half-way.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from settlements.errors import SettlementsError
from viaticos.errors import DomainError

if TYPE_CHECKING:
    from pypdf.generic import StreamObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
IMAGE_TYPES = {JPEG: "JPEG", PNG: "PNG"}

STAMP_RED = (0.75, 0.05, 0.05)
STAMP_RED_RGB = (190, 13, 13)
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
A4_POINTS = (595.28, 841.89)
# In the bundle: margin around a document page, and the band at the bottom holding "n / N".
PAGE_MARGIN = 14.0
NUMBER_BAND = 24.0


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
    """One document of the bundle: its stamped bytes (or how to read them when their turn
    comes, so that 20 full-resolution photos are not all in memory at once) and how the cover
    sheet lists it."""

    label: str
    content: bytes | Callable[[], bytes]
    content_type: str
    detail: str = ""

    def read(self) -> bytes:
        return self.content() if callable(self.content) else self.content


def _corrupt(field: str | None = None) -> DomainError:
    return DomainError(
        SettlementsError.FILE_CORRUPT,
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


# Height of the band that holds the stamp, in points (PDF) or as a share of the width (images).
BAND_POINTS = 22.0


def _stamp_operators(
    text: str, box: tuple[float, float, float, float], band: float | None = None
) -> bytes:
    """Content-stream operators drawing the stamp right-aligned in the band at the top of `box`
    (the band `_make_band` freed by shrinking the page's own content, or the one a photo's page
    has above the picture)."""
    x0, y0, x1, y1 = box
    width = x1 - x0
    margin = min(18.0, width * 0.03)
    band = band or _band_height(y1 - y0)
    size = min(9.0, band - 8)
    available = width - 2 * margin - 12
    if _text_width(text, size) > available:
        size = max(3.0, size * available / _text_width(text, size))
    text_w = _text_width(text, size)
    box_w, box_h = text_w + 12, size + 6
    bx = x1 - margin - box_w
    by = y1 - band + (band - box_h) / 2
    r, g, b = STAMP_RED
    ops = (
        f"q 1 1 1 rg {r} {g} {b} RG 1 w "
        f"{bx:.2f} {by:.2f} {box_w:.2f} {box_h:.2f} re B "
        f"BT {r} {g} {b} rg /FStamp {size:.2f} Tf {bx + 6:.2f} {by + 3 + size * 0.22:.2f} Td "
    ).encode()
    return ops + _pdf_string(text) + b" Tj ET Q"


def _band_height(page_height: float) -> float:
    return min(BAND_POINTS, max(8.0, page_height * 0.08))


def _make_band(page) -> None:
    """Shrink the page's content (uniformly, centred) so that a band at the top of the visible
    area is free: the stamp goes there and never covers what the page shows (issue 20)."""
    from pypdf import Transformation

    box = page.cropbox
    x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
    height = y1 - y0
    scale = (height - _band_height(height)) / height
    # Keep the bottom edge and the horizontal centre where they are.
    cx = (x0 + x1) / 2
    page.add_transformation(
        Transformation().translate(-cx, -y0).scale(scale, scale).translate(cx, y0)
    )


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
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FStamp"): _helvetica()})}
    )
    stream = DecodedStreamObject()
    stream.set_data(
        _stamp_operators(
            text, (float(box.left), float(box.bottom), float(box.right), float(box.top))
        )
    )
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    return overlay


def _helvetica():
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _read_pdf(content: bytes):
    from pypdf import PdfReader

    # pypdf raises many exception types on malformed files (PdfReadError, ValueError,
    # KeyError, struct errors…); any of them means "this file cannot be stamped".
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(
                SettlementsError.FILE_ENCRYPTED,
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
    """R-3.7: a copy of the PDF with the stamp burned into every page, in a band at the top
    that the page's own content (shrunk by a few per cent) leaves free. A scanned page's image
    is carried over as it is (no decoding): stamping a 10-page scan costs milliseconds."""
    from pypdf import PdfWriter

    reader = _read_pdf(content)
    writer = PdfWriter()
    try:
        for source in reader.pages:
            page = writer.add_page(source)
            if page.rotation % 360:
                page.transfer_rotation_to_content()
            _make_band(page)
            page.merge_page(_overlay_page(writer, stamp.text, page))
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # a malformed page tree or content stream
        raise _corrupt() from exc
    finally:
        _release(reader, writer)
    return out.getvalue()


def pdf_page_count(content: bytes) -> int:
    return len(_read_pdf(content).pages)


# --- JPEG photos: the original bytes in a one-page PDF -------------------------------------------

# The largest page side PDF viewers accept (200 inches).
MAX_PAGE_POINTS = 14400.0
_COLOR_SPACES = {"L": ("/DeviceGray", 1), "RGB": ("/DeviceRGB", 3), "CMYK": ("/DeviceCMYK", 4)}


@dataclass(frozen=True)
class JpegInfo:
    """What a JPEG's headers say; read without decoding a pixel."""

    width: int
    height: int
    mode: str
    orientation: int
    icc_profile: bytes | None
    adobe: bool

    @property
    def turned(self) -> bool:
        """Orientations 5–8 show the picture a quarter turn from how it is stored."""
        return self.orientation in (5, 6, 7, 8)


def jpeg_info(content: bytes) -> JpegInfo:
    from PIL import Image

    if not _looks_complete(content):
        raise _corrupt()
    try:
        with Image.open(io.BytesIO(content)) as source:  # reads the headers only
            if source.format != "JPEG":
                raise _corrupt()
            orientation = source.getexif().get(0x0112, 1)
            return JpegInfo(
                width=source.width,
                height=source.height,
                mode=source.mode,
                orientation=orientation if orientation in range(1, 9) else 1,
                icc_profile=source.info.get("icc_profile") or None,
                adobe="adobe" in source.info,
            )
    except DomainError:
        raise
    except Exception as exc:  # UnidentifiedImageError, a broken EXIF block…
        raise _corrupt() from exc


# Where EXIF orientation n shows a stored point (s, t) (fractions of the width and height from
# the top left): the inverse of what ImageOps.exif_transpose does to the pixels.
_SHOWN_AT = {
    1: lambda s, t: (s, t),
    2: lambda s, t: (1 - s, t),
    3: lambda s, t: (1 - s, 1 - t),
    4: lambda s, t: (s, 1 - t),
    5: lambda s, t: (t, s),
    6: lambda s, t: (1 - t, s),
    7: lambda s, t: (1 - t, 1 - s),
    8: lambda s, t: (t, 1 - s),
}


def _image_matrix(orientation: int, width: float, height: float) -> tuple[float, ...]:
    """The `cm` matrix that draws an image XObject (the unit square, origin at the stored
    picture's bottom left) upright in the rectangle (0, 0)–(width, height) of the page."""
    shown = _SHOWN_AT[orientation]

    def page_point(u: float, v: float) -> tuple[float, float]:
        p, q = shown(u, 1 - v)  # image space runs up; the stored picture's rows run down
        return p * width, (1 - q) * height

    ox, oy = page_point(0, 0)
    ax, ay = page_point(1, 0)
    bx, by = page_point(0, 1)
    return (ax - ox, ay - oy, bx - ox, by - oy, ox, oy)


def _jpeg_xobject(writer, content: bytes, info: JpegInfo):
    from pypdf.generic import (
        ArrayObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    name, components = _COLOR_SPACES[info.mode]
    color_space: NameObject | ArrayObject = NameObject(name)
    if info.icc_profile:  # a phone's Display P3 or a camera's Adobe RGB, kept
        profile = StreamObject()
        profile._data = info.icc_profile
        profile.update(
            {NameObject("/N"): NumberObject(components), NameObject("/Alternate"): color_space}
        )
        color_space = ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])
    image = StreamObject()
    image._data = content
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(info.width),
            NameObject("/Height"): NumberObject(info.height),
            NameObject("/ColorSpace"): color_space,
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    if info.mode == "CMYK" and info.adobe:  # Adobe's CMYK JPEGs are stored inverted
        image[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in (1, 0) * 4])
    return writer._add_object(image)


def _as_plain_jpeg(content: bytes) -> bytes:
    """A JPEG in a colour model PDF does not take as it is, decoded and encoded in RGB."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as source:
            out = io.BytesIO()
            source.convert("RGB").save(out, "JPEG", quality=STAMPED_JPEG_QUALITY)
            return out.getvalue()
    except Exception as exc:
        raise _corrupt() from exc


def stamp_jpeg(content: bytes, stamp: Stamp) -> bytes:
    """R-3.7: the stamped copy of a JPEG: a one-page PDF holding the original JPEG bytes as they
    are (DCTDecode), at full resolution, upright as its EXIF orientation says, under a band at
    the top with the stamp as PDF text: nothing covers the picture, nothing is decoded or
    re-encoded (milliseconds and a few MB for a 12-MP photo, where burning the stamp into the
    pixels took a decode, an encode and 120 MB). The page is A4-wide in the picture's
    orientation and as tall as the picture plus the band."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    info = jpeg_info(content)
    if info.mode not in _COLOR_SPACES:
        content = _as_plain_jpeg(content)
        info = jpeg_info(content)
    shown_w, shown_h = (info.height, info.width) if info.turned else (info.width, info.height)
    page_w = _page_box(shown_w, shown_h)[0]
    picture_h = page_w * shown_h / shown_w
    band = _band_height(picture_h + BAND_POINTS)
    if picture_h + band > MAX_PAGE_POINTS:  # a very long strip: narrower, not taller
        page_w *= (MAX_PAGE_POINTS - band) / picture_h
        picture_h = MAX_PAGE_POINTS - band
    page_h = picture_h + band

    writer = PdfWriter()
    page = writer.add_blank_page(page_w, page_h)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject(
                {NameObject("/Im0"): _jpeg_xobject(writer, content, info)}
            ),
            NameObject("/Font"): DictionaryObject({NameObject("/FStamp"): _helvetica()}),
        }
    )
    matrix = " ".join(f"{v:.4f}" for v in _image_matrix(info.orientation, page_w, picture_h))
    contents = DecodedStreamObject()
    contents.set_data(
        f"q {matrix} cm /Im0 Do Q ".encode()
        + _stamp_operators(stamp.text, (0.0, 0.0, page_w, page_h), band)
    )
    page[NameObject("/Contents")] = writer._add_object(contents)
    writer.add_metadata({"/Subject": stamp.text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Images -----------------------------------------------------------------------------------

# The bundle is for reading and printing: images are downscaled to this resolution on A4
# (a 12-MP photo is decoded at half scale, 1,500 × 2,000 pixels, and becomes 0.3 MB instead of
# 3.5 MB).
PRINT_DPI = 160
PRINT_JPEG_QUALITY = 75
# What libjpeg's DCT scaling (draft mode) gives is kept up to this much over PRINT_DPI (up to
# 200 dpi): resampling it down the rest of the way would cost more than decoding it (issue 23).
PRINT_SLACK = 1.25
STAMPED_JPEG_QUALITY = 90


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


def _open_image(content: bytes, *, fit: tuple[int, int] | None = None):
    """The image as displayed (EXIF orientation applied), decoded once.

    With `fit` (longest side, shortest side, in pixels), a JPEG is decoded straight at the
    smallest 1/2, 1/4 or 1/8 scale that still covers it (libjpeg's DCT scaling, Pillow's draft
    mode): a 12-MP photo for the bundle costs a fraction of a full decode, in time and memory."""
    from PIL import Image, ImageOps

    if not _looks_complete(content):
        raise _corrupt()
    try:
        with Image.open(io.BytesIO(content)) as source:
            if fit and source.format == "JPEG":
                long, short = fit
                wide = source.width >= source.height
                source.draft("RGB", (long, short) if wide else (short, long))
            source.load()
            return ImageOps.exif_transpose(source) or source
    except Exception as exc:  # UnidentifiedImageError, truncated data, decompression bomb…
        raise _corrupt() from exc


@functools.lru_cache(maxsize=64)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(f"{FONT_DIR}/DejaVuSans-Bold.ttf", size)
    except OSError:  # no DejaVu on this machine: Pillow's own scalable font
        return ImageFont.load_default(size=size)


def _burn(image, text: str):
    """A new image: a white band on top holding the stamp, right-aligned, then the picture
    untouched below it, so that the stamp never covers what the picture shows (issue 20)."""
    from PIL import Image, ImageDraw

    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    width, height = image.size
    margin = max(2, width // 200)
    # One measurement at a reference size, then the size that fills the width (no trial loop).
    reference = 100
    left, top, right, bottom = _font(reference).getbbox(text)
    size = max(6, min(int(reference * (width - 4 * margin) / (right - left)), width // 55, 120))
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, size // 4)
    box_w, box_h = right - left + 2 * pad, bottom - top + 2 * pad
    band = box_h + 2 * margin
    canvas = Image.new(mode, (width, height + band), "white")
    canvas.paste(image, (0, band))
    del image
    draw = ImageDraw.Draw(canvas)
    x0 = max(0, width - margin - box_w)
    y0 = margin
    border = max(1, size // 10)
    draw.rectangle(
        (x0, y0, x0 + box_w, y0 + box_h), fill="white", outline=STAMP_RED_RGB, width=border
    )
    draw.text((x0 + pad - left, y0 + pad - top), text, font=font, fill=STAMP_RED_RGB)
    return canvas


def stamp_image(content: bytes, content_type: str, stamp: Stamp) -> bytes:
    """R-3.7: a full-resolution copy of the image, upright (EXIF orientation applied), with
    the stamp burned into the pixels of a band added on top; same format. What a PNG gets
    (`stamp_document`); a JPEG photo gets `stamp_jpeg`, which need not decode it (this costs
    about 0.2 s and 120 MB for a 12-MP photo)."""
    from PIL import PngImagePlugin

    if content_type not in IMAGE_TYPES:
        raise DomainError(
            SettlementsError.FILE_TYPE_NOT_ALLOWED,
            _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
        )
    image = _burn(_open_image(content), stamp.text)
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=STAMPED_JPEG_QUALITY, comment=stamp.text.encode("utf-8"))
    else:
        info = PngImagePlugin.PngInfo()
        info.add_itxt("Comment", stamp.text)
        image.save(out, "PNG", pnginfo=info, compress_level=6)
    return out.getvalue()


def _page_box(width: float, height: float) -> tuple[float, float]:
    """The A4 page (points) in the image's orientation."""
    return (A4_POINTS[1], A4_POINTS[0]) if width > height else A4_POINTS


def _print_image(content: bytes):
    """The image for the bundle: upright, at most PRINT_DPI over the printable part of A4, as
    JPEG bytes (grey or RGB) with its size in pixels."""
    long = round((A4_POINTS[1] - PAGE_MARGIN - NUMBER_BAND) / 72 * PRINT_DPI)
    short = round((A4_POINTS[0] - 2 * PAGE_MARGIN) / 72 * PRINT_DPI)
    image = _open_image(content, fit=(long, short))
    if image.mode not in ("RGB", "L"):
        image = _white_background(image)
    page_w, page_h = _page_box(*image.size)
    avail_w, avail_h = page_w - 2 * PAGE_MARGIN, page_h - PAGE_MARGIN - NUMBER_BAND
    max_w, max_h = round(avail_w / 72 * PRINT_DPI), round(avail_h / 72 * PRINT_DPI)
    if image.width > max_w * PRINT_SLACK or image.height > max_h * PRINT_SLACK:
        image.thumbnail((max_w, max_h), resample=_bilinear(), reducing_gap=2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=PRINT_JPEG_QUALITY)
    return out.getvalue(), image.size, image.mode


def _bilinear():
    from PIL import Image

    return Image.Resampling.BILINEAR


def image_as_pdf(content: bytes) -> bytes:
    """One A4 page holding the image at print resolution (for the bundle): the JPEG is
    embedded as it is (DCTDecode), fitted above the band where the bundle numbers its pages."""
    from pypdf import PdfWriter

    jpeg, (width, height), mode = _print_image(content)
    writer = PdfWriter()
    _image_page(writer, jpeg, width, height, mode)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_page(writer, jpeg: bytes, width: int, height: int, mode: str):
    from pypdf.generic import (
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    page_w, page_h = _page_box(width, height)
    avail_w, avail_h = page_w - 2 * PAGE_MARGIN, page_h - PAGE_MARGIN - NUMBER_BAND
    scale = min(avail_w / width, avail_h / height)
    draw_w, draw_h = width * scale, height * scale
    x = (page_w - draw_w) / 2
    y = NUMBER_BAND + (avail_h - draw_h)  # at the top of the free area
    image = StreamObject()
    image._data = jpeg
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(width),
            NameObject("/Height"): NumberObject(height),
            NameObject("/ColorSpace"): NameObject("/DeviceGray" if mode == "L" else "/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    page = writer.add_blank_page(page_w, page_h)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    contents = DecodedStreamObject()
    contents.set_data(f"q {draw_w:.2f} 0 0 {draw_h:.2f} {x:.2f} {y:.2f} cm /Im0 Do Q".encode())
    page[NameObject("/Contents")] = writer._add_object(contents)
    return page


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
    if content_type == JPEG:
        return StampedDocument(stamp_jpeg(content, stamp), PDF, "pdf")
    return StampedDocument(stamp_image(content, content_type, stamp), content_type, "png")


def as_pdf(content: bytes, content_type: str) -> bytes:
    """The document as PDF pages for the bundle, its images at print resolution."""
    if content_type == PDF:
        return _print_pdf(content)
    if content_type in IMAGE_TYPES:
        return image_as_pdf(content)
    raise DomainError(
        SettlementsError.FILE_TYPE_NOT_ALLOWED,
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
    the bundle so that a reader can find it. Every page is A4 and carries "n / N" in a band at
    the bottom, outside what the document shows (issue 20); images are downscaled to print
    resolution, so 20 phone photos make a bundle of a few MB, not 70.
    """
    from pypdf import PdfReader, PdfWriter

    from viaticos.pdf import render_pdf

    # Two at a time: decoding and encoding the photos release the GIL (two cores, half the time).
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda item: as_pdf(item.read(), item.content_type), items))
    readers = [_read_pdf(pdf) for pdf in pdfs]
    counts = [len(reader.pages) for reader in readers]
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
    total = cover_pages + sum(counts)

    writer = PdfWriter()
    try:
        writer.append(PdfReader(io.BytesIO(cover_pdf), strict=False))
        number = cover_pages
        for item, reader in zip(items, readers, strict=True):
            for source in reader.pages:
                number += 1
                page = writer.add_page(source)
                if item.content_type == PDF:
                    _fit_a4(page)
                page.merge_page(_page_number_overlay(writer, page, number, total))
        out = io.BytesIO()
        writer.write(out)
    except DomainError:
        raise
    except Exception as exc:
        raise _corrupt() from exc
    finally:
        _release(writer, *readers)
    return out.getvalue()


def _fit_a4(page) -> None:
    """Place a document's page on A4 (in its orientation), scaled down if needed so that the
    band at the bottom stays free for the page number; rotation baked in first."""
    from pypdf import Transformation
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    if page.rotation % 360:
        page.transfer_rotation_to_content()
    box = page.cropbox
    x0, y0 = float(box.left), float(box.bottom)
    width, height = float(box.right) - x0, float(box.top) - y0
    page_w, page_h = _page_box(width, height)
    scale = min(1.0, page_w / width, (page_h - NUMBER_BAND) / height)
    x = (page_w - width * scale) / 2 - x0 * scale
    y = page_h - height * scale - y0 * scale
    page.add_transformation(Transformation().scale(scale, scale).translate(x, y))
    a4 = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(page_w), FloatObject(page_h)])
    for name in ("/MediaBox", "/CropBox"):
        page[NameObject(name)] = a4
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page:
            del page[name]


# A JPEG inside a PDF (a photo's stamped copy, a 300-dpi scan) is downscaled for the bundle
# when it has more than this many times the pixels PRINT_DPI gives over its page, on a side:
# a 200-dpi scan is left as it is, a 12-MP photo on A4 is not.
OVERSAMPLED = 1.5


def _print_pdf(content: bytes) -> bytes:
    """The PDF for the bundle: as it is, unless a page holds a JPEG with far more pixels than
    print needs (a photo's stamped copy, a 600-dpi scan); then a copy with those images
    downscaled, the pages otherwise unchanged. One document at a time, so that only one
    full-resolution photo is in memory per thread."""
    from pypdf import PdfWriter

    reader = _read_pdf(content)
    writer = None
    try:
        if not any(_oversized_jpegs(page) for page in reader.pages):
            return content
        writer = PdfWriter(clone_from=reader)
        done: set[int] = set()
        for page in writer.pages:
            for image, cap in _oversized_jpegs(page):
                if id(image) not in done:
                    done.add(id(image))
                    _replace_image(image, *_print_jpeg(image._data, cap))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except DomainError:
        raise
    except Exception as exc:
        raise _corrupt() from exc
    finally:
        _release(reader, writer)


def _release(*documents) -> None:
    """Let go of a pypdf reader's and writer's data now. Each of their objects points back at
    its document (a reference cycle), so they are freed only when the cyclic garbage collector
    next runs a full pass: with the megabytes of every photo inside, 20 photos held 100 MB
    more at the peak."""
    from pypdf.generic import StreamObject

    for document in documents:
        if document is None:
            continue
        objects = getattr(document, "resolved_objects", None)
        objects = objects.values() if objects is not None else getattr(document, "_objects", [])
        for obj in objects:
            if isinstance(obj, StreamObject):
                obj._data = b""
        if getattr(document, "stream", None) is not None:
            document.stream = None


def _oversized_jpegs(page) -> list[tuple[StreamObject, tuple[int, int]]]:
    """The page's JPEG images (DCTDecode, grey or RGB, no mask) with far more pixels than print
    needs on the A4 page the bundle puts it on, each with the size (pixels, in the image's own
    orientation) to bring it down to."""
    from pypdf.generic import ArrayObject

    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    if not xobjects:
        return []
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    if page.rotation % 180:
        width, height = height, width
    width, height = _page_box(width, height)
    long_px = round(max(width, height) / 72 * PRINT_DPI)
    short_px = round(min(width, height) / 72 * PRINT_DPI)
    found = []
    for ref in xobjects.get_object().values():
        image = ref.get_object()
        if image.get("/Subtype") != "/Image":
            continue
        filters = image.get("/Filter")
        if isinstance(filters, ArrayObject):
            filters = filters[0] if len(filters) == 1 else None
        if filters != "/DCTDecode" or any(
            key in image for key in ("/SMask", "/Mask", "/Decode", "/ImageMask")
        ):
            continue
        if int(image.get("/BitsPerComponent", 8)) != 8 or _components(image) not in (1, 3):
            continue
        w, h = int(image["/Width"]), int(image["/Height"])
        cap = (long_px, short_px) if w >= h else (short_px, long_px)
        if w > cap[0] * OVERSAMPLED or h > cap[1] * OVERSAMPLED:
            found.append((image, cap))
    return found


def _components(image) -> int | None:
    space = image.get("/ColorSpace")
    space = space.get_object() if space is not None else None
    if space in ("/DeviceGray", "/CalGray"):
        return 1
    if space in ("/DeviceRGB", "/CalRGB"):
        return 3
    if isinstance(space, list) and space and space[0] == "/ICCBased":
        return int(space[1].get_object().get("/N", 0))
    return None


def _print_jpeg(jpeg: bytes, cap: tuple[int, int]) -> tuple[bytes, tuple[int, int]]:
    """The JPEG decoded at the smallest DCT scale that still covers `cap` (draft mode), brought
    down to fit it only if that is more than PRINT_SLACK over it, and encoded again for print;
    the same colour model and stored orientation (the page's matrix turns it), so it takes the
    place of the original in the page."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(jpeg)) as source:
            source.draft(source.mode, cap)
            source.load()
            image = source if source.mode in ("L", "RGB") else source.convert("RGB")
            if image.width > cap[0] * PRINT_SLACK or image.height > cap[1] * PRINT_SLACK:
                image.thumbnail(cap, resample=_bilinear(), reducing_gap=2.0)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=PRINT_JPEG_QUALITY)
            return out.getvalue(), image.size
    except Exception as exc:
        raise _corrupt() from exc


def _replace_image(image, jpeg: bytes, size: tuple[int, int]) -> None:
    width, height = size
    from pypdf.generic import NameObject, NumberObject

    image._data = jpeg
    image[NameObject("/Width")] = NumberObject(width)
    image[NameObject("/Height")] = NumberObject(height)


def _page_number_overlay(writer, page, number: int, total: int):
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    width, height = float(page.mediabox.right), float(page.mediabox.top)
    overlay = PageObject.create_blank_page(width=width, height=height)
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/FStamp"): _helvetica()})}
    )
    text = f"{number} / {total}"
    size = 8.0
    x = width - PAGE_MARGIN - 4 - _text_width(text, size)
    stream = DecodedStreamObject()
    stream.set_data(
        f"q BT 0.33 0.33 0.33 rg /FStamp {size} Tf {x:.2f} {NUMBER_BAND / 2 - 3:.2f} Td ".encode()
        + _pdf_string(text)
        + b" Tj ET Q"
    )
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    return overlay
