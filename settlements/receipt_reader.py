"""Reading a receipt from its file (SPEC §3 "Reading receipts"): the SUNAT QR code.

Every Peruvian electronic receipt (*comprobante de pago electrónico*: factura 01, boleta 03,
notas 07/08) carries a QR code whose text is

    RUC emisor | tipo | serie | número | IGV | total | fecha | tipo doc. adquirente |
    nº doc. adquirente | [hash] |

It is decoded offline from a photo or from the pages of a PDF (zxing-cpp decodes, pypdfium2
renders the pages); no OCR, nothing leaves the server. Parsing is pure and tolerant of the
variants issuers print (9 or 10 fields or more, a trailing `|`, zero-padded numbers, a missing
hash, dates as YYYY-MM-DD or DD/MM/YYYY). Nothing here reads or writes the database.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from settlements.rules import normalize_tax_id
from settlements.tax_ids import tax_id_check
from viaticos.rules_registry import enforces

# The document types of SPEC §7: factura, boleta, nota de crédito, nota de débito.
DOCUMENT_TYPES = ("01", "03", "07", "08")
# SUNAT catalogue 06: the buyer's identity document; "6" is a RUC.
BUYER_RUC = "6"
# Rendering and decoding caps: a photo is decoded at most this size (longest side, pixels), a
# PDF is searched on its first pages only (the QR is printed on the first or the last page of a
# receipt; a long PDF is not a receipt but a bundle).
MAX_SIDE = 2400
MAX_PDF_PAGES = 4
PDF_RENDER_SIDE = 2000

_RUC = re.compile(r"^\d{11}$")
_SERIES = re.compile(r"^[A-Z0-9]{1,4}$")


@dataclass(frozen=True)
class SunatQr:
    """The fields of a SUNAT QR code, normalized."""

    issuer_tax_id: str
    document_type: str
    series: str
    number: str  # without zero padding: "00012345" is "12345"
    igv: Decimal | None
    total: Decimal
    date: dt.date
    buyer_document_type: str | None
    buyer_document_number: str | None
    hash: str | None = None

    @property
    def receipt_number(self) -> str:
        """The number as the receipt shows it ("F001-12345")."""
        return f"{self.series}-{self.number}"


def _amount(text: str) -> Decimal | None:
    text = text.replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(",", "")  # 1,234.50
    elif "," in text:
        text = text.replace(",", ".")  # 18,00
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return value.quantize(Decimal("0.01"))


def _date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_sunat_qr(text: str) -> SunatQr | None:
    """The fields of a SUNAT QR text, or None when the text is not one."""
    if not text or "|" not in text:
        return None
    fields = [part.strip() for part in text.strip().split("|")]
    while fields and not fields[-1]:
        fields.pop()  # the trailing "|"
    if len(fields) < 7:
        return None
    ruc = re.sub(r"\s", "", fields[0])
    if not _RUC.match(ruc):
        return None
    kind = fields[1]
    if kind.isdigit():
        kind = kind.zfill(2)
    if kind not in DOCUMENT_TYPES:
        return None
    series = fields[2].upper().replace(" ", "")
    if not _SERIES.match(series):
        return None
    number = fields[3].replace(" ", "")
    if not number.isdigit():
        return None
    number = str(int(number))
    igv = _amount(fields[4])
    total = _amount(fields[5])
    date = _date(fields[6])
    if total is None or date is None:
        return None

    def optional(index: int) -> str | None:
        value = fields[index] if len(fields) > index else ""
        return value if value and value != "-" else None

    buyer_type = optional(7)
    buyer_number = optional(8)
    return SunatQr(
        issuer_tax_id=ruc,
        document_type=kind,
        series=series,
        number=number,
        igv=igv,
        total=total,
        date=date,
        buyer_document_type=buyer_type,
        buyer_document_number=re.sub(r"\s", "", buyer_number) if buyer_number else None,
        hash=optional(9),
    )


# --- decoding ---------------------------------------------------------------------------------


def _qr_texts(image, **options) -> list[str]:
    import zxingcpp

    # zxing-cpp's stub asks for BarcodeFormats; the binding converts one BarcodeFormat itself.
    qr = zxingcpp.BarcodeFormat.QRCode
    found = zxingcpp.read_barcodes(image, formats=qr, **options)  # type: ignore[arg-type]
    return [result.text for result in found if result.text]


def _decode_image(image) -> list[str]:
    import zxingcpp

    gray = image.convert("L")
    if max(gray.size) > MAX_SIDE:
        gray.thumbnail((MAX_SIDE, MAX_SIDE))
    texts = _qr_texts(gray)
    # Uneven light or a soft photo: a global threshold, then a smaller copy (blur averages out).
    for binarizer in (zxingcpp.Binarizer.GlobalHistogram, zxingcpp.Binarizer.FixedThreshold):
        if texts:
            break
        texts = _qr_texts(gray, binarizer=binarizer)
    if not texts and max(gray.size) > 800:
        gray.thumbnail((max(gray.size) // 2, max(gray.size) // 2))
        texts = _qr_texts(gray)
    return texts


def _open_image(content: bytes):
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(content))
    # A JPEG is decoded at a reduced size straight away when it is much larger than needed.
    image.draft("L", (MAX_SIDE, MAX_SIDE))
    image.load()
    return ImageOps.exif_transpose(image)


def _pdf_pages(content: bytes):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(content)
    try:
        count = len(pdf)
        indexes = list(range(min(count, MAX_PDF_PAGES)))
        if count > MAX_PDF_PAGES:
            indexes.append(count - 1)
        for index in indexes:
            page = pdf[index]
            try:
                width, height = page.get_size()
                scale = min(4.0, PDF_RENDER_SIDE / max(width, height, 1))
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil()
                bitmap.close()
            finally:
                page.close()
            yield image
    finally:
        pdf.close()


def decode_qr_texts(content: bytes, content_type: str) -> list[str]:
    """Every QR text found in a receipt file (an image, or the first pages of a PDF).

    A file that cannot be decoded yields nothing: the upload check has already refused what is
    not a document, and a receipt without a readable QR is entered by hand."""
    try:
        if content_type == "application/pdf":
            texts: list[str] = []
            for page in _pdf_pages(content):
                texts.extend(_decode_image(page))
                if any(parse_sunat_qr(text) for text in texts):
                    break
            return texts
        return _decode_image(_open_image(content))
    except Exception:  # a broken file reads as "no QR", never as a crash
        return []


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptReading:
    """What a receipt file says, as `POST /api/v1/receipts/read/` answers it (SPEC §7)."""

    qr: SunatQr | None
    issuer_tax_id_valid: bool | None = None
    buyer_is_organization: bool | None = None

    @property
    def found(self) -> bool:
        return self.qr is not None

    def as_dict(self) -> dict:
        qr = self.qr
        if qr is None:
            return {
                "found": False,
                "issuer_tax_id": None,
                "issuer_tax_id_valid": None,
                "document_type": None,
                "series": None,
                "number": None,
                "igv": None,
                "total": None,
                "date": None,
                "buyer_document_type": None,
                "buyer_document_number": None,
                "buyer_is_organization": None,
            }
        return {
            "found": True,
            "issuer_tax_id": qr.issuer_tax_id,
            "issuer_tax_id_valid": self.issuer_tax_id_valid,
            "document_type": qr.document_type,
            "series": qr.series,
            "number": qr.number,
            "igv": None if qr.igv is None else str(qr.igv),
            "total": str(qr.total),
            "date": qr.date.isoformat(),
            "buyer_document_type": qr.buyer_document_type,
            "buyer_document_number": qr.buyer_document_number,
            "buyer_is_organization": self.buyer_is_organization,
        }


@enforces("R-3.12")
def buyer_is_organization(qr: SunatQr, organization_tax_id: str) -> bool:
    """R-3.12, at once: the QR's buyer is the organization when its document is a RUC equal to
    the organization's tax id."""
    org = normalize_tax_id(organization_tax_id)
    return bool(
        org
        and qr.buyer_document_type == BUYER_RUC
        and normalize_tax_id(qr.buyer_document_number or "") == org
    )


def reading_from_texts(texts: list[str], *, organization_tax_id: str) -> ReceiptReading:
    """The first SUNAT QR among the decoded texts, checked (pure)."""
    for text in texts:
        qr = parse_sunat_qr(text)
        if qr is not None:
            return ReceiptReading(
                qr=qr,
                issuer_tax_id_valid=bool(tax_id_check(qr.issuer_tax_id, "PE").valid),
                buyer_is_organization=buyer_is_organization(qr, organization_tax_id),
            )
    return ReceiptReading(qr=None)


def read_receipt(content: bytes, content_type: str, *, organization_tax_id: str) -> ReceiptReading:
    """Read a receipt file (already checked by viaticos.uploads.check_upload)."""
    return reading_from_texts(
        decode_qr_texts(content, content_type), organization_tax_id=organization_tax_id
    )


# --- pre-filling a draft line -----------------------------------------------------------------

# SUNAT document type → the product's receipt type (notes are "other documents").
RECEIPT_TYPES = {"01": "invoice", "03": "ticket", "07": "other", "08": "other"}
# The currency receipts of a country are issued in (the destinations of the region and a few
# others); a country not listed defaults to US dollars.
COUNTRY_CURRENCIES = {
    "PE": "PEN",
    "GT": "GTQ",
    "SV": "USD",
    "HN": "HNL",
    "NI": "NIO",
    "CR": "CRC",
    "PA": "USD",
    "BZ": "BZD",
    "DO": "DOP",
    "MX": "MXN",
    "CO": "COP",
    "EC": "USD",
    "BO": "BOB",
    "CL": "CLP",
    "AR": "ARS",
    "BR": "BRL",
    "US": "USD",
    "ES": "EUR",
}


def country_currency(country: str) -> str:
    return COUNTRY_CURRENCIES.get((country or "").upper(), "USD")


@dataclass(frozen=True)
class Prefill:
    values: dict
    read_fields: tuple[str, ...]  # the fields whose value the QR code gave


def prefill(
    reading: ReceiptReading,
    *,
    organization_name: str,
    organization_tax_id: str,
    first_day: dt.date,
    destination_country: str,
) -> Prefill:
    """The values a draft line starts with: what the QR code says, else what can be defaulted
    (issued to the organization, dated on the first day of the mission, in the currency of
    the destination). The traveler confirms or corrects every one of them."""
    qr = reading.qr
    if qr is None:
        return Prefill(
            {
                "receipt_type": "",
                "issuer_tax_id": "",
                "number": "",
                "date": first_day,
                "currency": country_currency(destination_country),
                "amount": Decimal("0.00"),
                "customer_name": organization_name,
                "customer_tax_id": organization_tax_id,
            },
            (),
        )
    values = {
        "receipt_type": RECEIPT_TYPES[qr.document_type],
        "issuer_tax_id": qr.issuer_tax_id,
        "number": qr.receipt_number,
        "date": qr.date,
        "currency": "PEN",  # a SUNAT CPE is issued in Peru
        "amount": qr.total,
        "customer_tax_id": qr.buyer_document_number or "",
        "customer_name": organization_name if reading.buyer_is_organization else "",
    }
    # The customer's name is not in the QR: it is defaulted when the buyer is the organization.
    read = [k for k, v in values.items() if v not in ("", None) and k != "customer_name"]
    return Prefill(values, tuple(read))
