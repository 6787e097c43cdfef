"""Sample receipts made by the tests themselves (issue 19): SUNAT QR payloads with their
expected fields, rendered as clean PNGs, phone-like JPEGs (rotated, perspective, blur, JPEG
quality 50–60, uneven light) and PDFs (vector and raster).

Deterministic: a sample is the same bytes on every run except for `salt`, which the tests use
to make each uploaded file different (R-7c compares file hashes).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from stdnum.pe import ruc

ORG_RUC = "20512345678"


def make_ruc(body: str) -> str:
    """A RUC with a correct modulo-11 check digit from its first ten digits."""
    return body + ruc.calc_check_digit(body)


@dataclass(frozen=True)
class Payload:
    """A QR text and the fields a reader must get from it."""

    text: str
    issuer_tax_id: str
    document_type: str
    series: str
    number: str
    igv: str
    total: str
    date: str
    buyer_document_type: str | None
    buyer_document_number: str | None


def payload(
    *,
    issuer="2010004721",
    kind="01",
    series="F001",
    number=1234,
    igv="18.00",
    total="118.00",
    date=dt.date(2026, 3, 3),
    buyer_type="6",
    buyer=ORG_RUC,
    with_hash=True,
    trailing=True,
    pad=8,
    date_style="iso",
) -> Payload:
    issuer_ruc = make_ruc(issuer)
    shown_date = date.isoformat() if date_style == "iso" else date.strftime("%d/%m/%Y")
    fields = [
        issuer_ruc,
        kind,
        series,
        str(number).zfill(pad),
        igv,
        total,
        shown_date,
        buyer_type or "",
        buyer or "",
    ]
    if with_hash:
        fields.append("qPa2Hn3+QkYp0TvGZ0HtQ1w5Dgs=")
    text = "|".join(fields) + ("|" if trailing else "")
    return Payload(
        text=text,
        issuer_tax_id=issuer_ruc,
        document_type=kind,
        series=series,
        number=str(number),
        igv=igv,
        total=total,
        date=date.isoformat(),
        buyer_document_type=buyer_type or None,
        buyer_document_number=buyer or None,
    )


PAYLOADS = [
    payload(),
    payload(
        kind="03",
        series="B002",
        number=98,
        igv="4.58",
        total="30.00",
        buyer_type="1",
        buyer="45678912",
        with_hash=False,
    ),
    payload(issuer="2060123456", number=7, pad=1, trailing=False, date_style="dmy"),
    payload(
        kind="07",
        series="FC01",
        number=560,
        igv="0.00",
        total="25.50",
        with_hash=False,
        trailing=False,
    ),
    payload(
        issuer="1045678901",
        kind="03",
        series="E001",
        number=3,
        igv="1.53",
        total="10.00",
        buyer_type="",
        buyer="",
        with_hash=False,
        date_style="dmy",
    ),
]


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def receipt_image(p: Payload, *, salt: int = 0, qr_scale: int = 5) -> Image.Image:
    """A receipt page: printed lines and the QR code in its lower part, as issuers print it."""
    page = Image.new("RGB", (900, 1300), "white")
    draw = ImageDraw.Draw(page)
    font = _font(26)
    lines = [
        "EMPRESA DE TRANSPORTES S.A.C.",
        f"RUC {p.issuer_tax_id}",
        "FACTURA ELECTRONICA" if p.document_type == "01" else "BOLETA DE VENTA ELECTRONICA",
        f"{p.series}-{p.number.zfill(8)}",
        f"Fecha: {p.date}",
        f"Cliente: {p.buyer_document_number or '-'}",
        f"IGV: {p.igv}   TOTAL: {p.total}",
        f"ref {salt}",
    ]
    for i, line in enumerate(lines):
        draw.text((60, 50 + i * 48), line, fill="black", font=font)
    qr = segno.make(p.text, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=qr_scale, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    page.paste(code, ((900 - code.width) // 2, 560))
    draw.text(
        (60, 1230),
        "Representacion impresa del comprobante electronico",
        fill="black",
        font=_font(20),
    )
    return page


def _uneven_light(image: Image.Image, strength: float) -> Image.Image:
    """A shadow across the page: darker on one side, as under a lamp."""
    width, height = image.size
    gradient = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90)
    gradient = gradient.resize((width, height))
    shade = gradient.point(lambda v: int(255 - strength * v))
    dark = Image.new("RGB", image.size, (0, 0, 0))
    return Image.composite(image, dark, shade)


def _perspective(image: Image.Image, amount: float) -> Image.Image:
    """The page seen slightly from one side (a keystone)."""
    w, h = image.size
    dx = w * amount
    # Quad: top-left, bottom-left, bottom-right, top-right of the source.
    return image.transform(
        (w, h),
        Image.Transform.QUAD,
        (dx, 0, 0, h, w, h, w - dx, 0),
        resample=Image.Resampling.BILINEAR,
        fillcolor=(120, 110, 100),
    )


def phone_photo(
    p: Payload,
    *,
    salt: int = 0,
    angle: float = 6,
    perspective: float = 0.04,
    blur: float = 1.0,
    quality: int = 55,
    light: float = 0.45,
    noise: int = 8,
    scale: float = 1.2,
) -> bytes:
    """A phone-like JPEG of the receipt: on a table, rotated, keystoned, soft, unevenly lit."""
    page = receipt_image(p, salt=salt)
    table = Image.new("RGB", (page.width + 300, page.height + 300), (120, 110, 100))
    table.paste(page, (150, 150))
    photo = table.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(120, 110, 100))
    photo = _perspective(photo, perspective)
    photo = photo.resize((int(photo.width * scale), int(photo.height * scale)))
    photo = photo.filter(ImageFilter.GaussianBlur(blur))
    photo = _uneven_light(photo, light)
    if noise:
        rng = random.Random(salt)
        small = (photo.width // 3, photo.height // 3)
        grain = Image.effect_noise(small, noise * 4).convert("RGB").resize(photo.size)
        photo = Image.blend(photo, grain, 0.04 + rng.random() * 0.01)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=quality)
    return out.getvalue()


def clean_png(p: Payload, *, salt: int = 0) -> bytes:
    out = io.BytesIO()
    receipt_image(p, salt=salt).save(out, "PNG")
    return out.getvalue()


def raster_pdf(p: Payload, *, salt: int = 0, pages: int = 1) -> bytes:
    """A scanned receipt: the page image inside a PDF; the QR on the last page."""
    images = [Image.new("RGB", (900, 1300), "white") for _ in range(pages - 1)]
    images.append(receipt_image(p, salt=salt))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def vector_pdf(p: Payload, *, salt: int = 0) -> bytes:
    """An issuer's PDF: the QR drawn as vector paths (segno writes the PDF itself)."""
    out = io.BytesIO()
    segno.make(p.text, error="m").save(out, kind="pdf", scale=4, border=4)
    content = out.getvalue()
    # A comment after the end marker makes every salt a different file (R-7c hashes) and keeps
    # the startxref line where readers look for it, just before %%EOF.
    return content.rstrip() + f"\n% ref {salt}\n".encode()


MODERATE = {"angle": 6, "perspective": 0.04, "blur": 1.0, "quality": 55, "light": 0.45}
HARD = {"angle": 28, "perspective": 0.12, "blur": 2.6, "quality": 50, "light": 0.75, "scale": 0.7}


def corpus(salt: int = 0) -> list[tuple[str, str, bytes, Payload]]:
    """(group, content type, file, expected) for every sample."""
    samples = []
    for i, p in enumerate(PAYLOADS):
        s = salt * 100 + i
        samples.append(("clean", "image/png", clean_png(p, salt=s), p))
        samples.append(("clean", "application/pdf", vector_pdf(p, salt=s), p))
        samples.append(("clean", "application/pdf", raster_pdf(p, salt=s, pages=1 + i % 2), p))
        samples.append(("moderate", "image/jpeg", phone_photo(p, salt=s, **MODERATE), p))
        samples.append(
            (
                "moderate",
                "image/jpeg",
                phone_photo(p, salt=s, angle=-4, perspective=0.06, blur=1.4, quality=60, light=0.5),
                p,
            )
        )
        samples.append(("hard", "image/jpeg", phone_photo(p, salt=s, **HARD), p))
    return samples


def expected_dict(p: Payload) -> dict:
    return {
        "issuer_tax_id": p.issuer_tax_id,
        "document_type": p.document_type,
        "series": p.series,
        "number": p.number,
        "igv": str(Decimal(p.igv)),
        "total": str(Decimal(p.total)),
        "date": p.date,
        "buyer_document_type": p.buyer_document_type,
        "buyer_document_number": p.buyer_document_number,
    }
