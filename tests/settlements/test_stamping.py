"""R-3.7: the "Liquidado" stamp on every PDF page and every image, and the stamped bundle."""

import datetime as dt
import hashlib
import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from settlements.stamping import (
    BundleItem,
    Stamp,
    build_bundle,
    stamp_document,
    stamp_image,
    stamp_pdf,
)
from tests.factories import OrganizationFactory
from viaticos.errors import DomainError

STAMP = Stamp(dt.date(2026, 3, 10), "Diego  Pérez Ñuñez")
TEXT = "Liquidado, Fecha: 10/03/2026, Responsable: Diego Pérez Ñuñez"


def make_pdf(*sizes, rotate=None, text=None):
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width, height)
    if rotate:
        writer.pages[-1].rotate(rotate)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image(fmt, size=(800, 600), color=(40, 120, 200), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def page_texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def red_pixels(image):
    rgb = image.convert("RGB")
    return sum(1 for r, g, b in rgb.getdata() if r > 150 and g < 60 and b < 60)


def test_r_3_7_stamp_text_is_the_legal_formula():
    assert STAMP.text == TEXT


def test_r_3_7_stamp_is_burned_into_every_pdf_page():
    original = make_pdf((595, 842), (842, 595), (612, 792))
    before = hashlib.sha256(original).hexdigest()

    stamped = stamp_pdf(original, STAMP)

    assert hashlib.sha256(original).hexdigest() == before  # original untouched
    assert stamped != original
    texts = page_texts(stamped)
    assert len(texts) == 3
    assert all(TEXT in text for text in texts)
    assert not any("Liquidado" in text for text in page_texts(original))


def test_r_3_7_stamp_is_in_the_page_content_not_an_annotation():
    stamped = stamp_pdf(make_pdf((595, 842)), STAMP)
    page = PdfReader(io.BytesIO(stamped)).pages[0]
    assert "/Annots" not in page
    assert b"Liquidado" in page.get_contents().get_data()


@pytest.mark.django_db
def test_r_3_7_stamp_keeps_existing_page_text():
    from viaticos.pdf import render_pdf

    OrganizationFactory()
    original = render_pdf("pdf/test_page.html", {"heading": "Factura 001-123"})
    texts = page_texts(stamp_pdf(original, STAMP))
    assert "Factura 001-123" in texts[0] and TEXT in texts[0]


def test_r_3_7_rotated_page_is_stamped_upright_inside_the_visible_area():
    stamped = stamp_pdf(make_pdf((595, 842), rotate=90), STAMP)
    page = PdfReader(io.BytesIO(stamped)).pages[0]
    assert page.rotation % 360 == 0  # rotation baked into the content: the stamp reads upright
    assert round(float(page.mediabox.width)) == 842
    assert TEXT in page.extract_text()


def test_r_3_7_long_name_shrinks_to_fit_narrow_page():
    stamp = Stamp(dt.date(2026, 3, 10), "María de los Ángeles " * 4)
    stamped = stamp_pdf(make_pdf((200, 300)), stamp)
    assert stamp.text in page_texts(stamped)[0]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n garbage that is not a pdf \n%%EOF",
        make_pdf((595, 842))[:200] + b"\n%%EOF",
        b"%PDF-1.4\n%%EOF",
    ],
    ids=["garbage", "truncated", "no-pages"],
)
def test_r_3_7_corrupt_pdf_is_a_domain_error_not_a_crash(content):
    with pytest.raises(DomainError) as error:
        stamp_pdf(content, STAMP)
    assert error.value.code == "file_corrupt"


def test_r_3_7_password_protected_pdf_is_refused_with_a_clear_message():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secreto", owner_password="secreto")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DomainError) as error:
        stamp_pdf(out.getvalue(), STAMP)
    assert error.value.code == "file_encrypted"


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_r_3_7_stamp_is_burned_into_image_pixels_keeping_the_format(fmt, content_type):
    original = make_image(fmt)
    before = bytes(original)

    stamped = stamp_image(original, content_type, STAMP)

    assert original == before
    with Image.open(io.BytesIO(stamped)) as image:
        assert image.format == fmt
        assert image.width == 800 and 600 < image.height < 660  # full size, plus the band
        assert red_pixels(image) > 500  # the red stamp is in the pixels
        top_right = image.crop((400, 0, 800, image.height - 600))
        assert red_pixels(top_right) > 200
        comment = image.info.get("comment") or image.info.get("Comment")
        comment = comment.decode() if isinstance(comment, bytes) else comment
        assert comment == TEXT
    with Image.open(io.BytesIO(original)) as image:
        assert red_pixels(image) == 0


def test_r_3_7_png_with_transparency_and_tiny_image_are_stamped():
    stamped = stamp_image(make_image("PNG", (90, 40), (0, 0, 0, 0), "RGBA"), "image/png", STAMP)
    with Image.open(io.BytesIO(stamped)) as image:
        assert image.width == 90 and image.height > 40
        assert red_pixels(image) > 0


def test_r_3_7_jpeg_exif_orientation_is_applied_before_stamping():
    image = Image.new("RGB", (400, 200), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    stamped = stamp_image(out.getvalue(), "image/jpeg", STAMP)
    with Image.open(io.BytesIO(stamped)) as result:
        assert result.width == 200 and result.height > 400  # as displayed: the stamp upright


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"),
        (make_image("PNG")[:60], "image/png"),
    ],
    ids=["garbage-jpeg", "truncated-png"],
)
def test_r_3_7_corrupt_image_is_a_domain_error_not_a_crash(content, content_type):
    with pytest.raises(DomainError) as error:
        stamp_image(content, content_type, STAMP)
    assert error.value.code == "file_corrupt"


def test_r_3_7_stamp_document_dispatches_by_content_type():
    pdf = stamp_document(make_pdf((595, 842)), "application/pdf", STAMP)
    png = stamp_document(make_image("PNG"), "image/png", STAMP)
    jpg = stamp_document(make_image("JPEG"), "image/jpeg", STAMP)
    assert (pdf.extension, png.extension, jpg.extension) == ("pdf", "png", "pdf")
    assert (pdf.content_type, png.content_type, jpg.content_type) == (
        "application/pdf",
        "image/png",
        "application/pdf",  # a photo's stamped copy is a PDF holding the original JPEG
    )
    with pytest.raises(DomainError):
        stamp_document(b"GIF89a", "image/gif", STAMP)


@pytest.mark.django_db
def test_r_3_7_bundle_is_a_cover_sheet_then_every_stamped_document_in_order():
    OrganizationFactory()
    two_pages = stamp_pdf(make_pdf((595, 842), (595, 842)), STAMP)
    photo = stamp_image(make_image("JPEG", (1200, 1600)), "image/jpeg", STAMP)
    wide = stamp_image(make_image("PNG", (1600, 900)), "image/png", STAMP)

    bundle = build_bundle(
        [
            BundleItem("Boleto aéreo", two_pages, "application/pdf", "LA 2470"),
            BundleItem("Taxi aeropuerto–hotel", photo, "image/jpeg"),
            BundleItem("Internet del hotel", wide, "image/png"),
        ],
        title="Liquidación L-7",
        context={"stamp_text": STAMP.text},
    )

    reader = PdfReader(io.BytesIO(bundle))
    assert len(reader.pages) == 1 + 2 + 1 + 1
    cover = reader.pages[0].extract_text()
    assert "Liquidación L-7" in cover
    positions = [
        cover.index(label) for label in ("Boleto aéreo", "aeropuerto", "Internet del hotel")
    ]
    assert positions == sorted(positions)
    assert "Secretaría Ejecutiva Regional" in cover  # organization header
    assert TEXT in reader.pages[1].extract_text() and TEXT in reader.pages[2].extract_text()
    for page in reader.pages[1:]:  # every page fits A4
        assert float(page.mediabox.width) <= 842.5 and float(page.mediabox.height) <= 842.5


@pytest.mark.django_db
def test_r_3_7_cover_of_a_twenty_receipt_bundle_is_one_page_rendered_once(monkeypatch):
    """The cover is rendered again only when it runs past one page (its length shifts the page
    numbers it lists): with a line per document, 20 receipts and 2 documents fit one page."""
    from viaticos import pdf

    OrganizationFactory()
    renders = []
    real = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: renders.append(a) or real(*a, **k))
    page = make_pdf((595, 842))
    items = [BundleItem("Constancia de viaje (R-2a)", page, "application/pdf", "pasaporte.pdf")]
    items += [
        BundleItem(
            "Comprobante",
            page,
            "application/pdf",
            f"Taxis Seguros S.A. · F001-{n:05d} · 03/03/2026 · PEN 1234.56",
        )
        for n in range(20)
    ]
    items.append(BundleItem("Informe de misión (R-2a)", page, "application/pdf", "informe.pdf"))

    reader = PdfReader(io.BytesIO(build_bundle(items, title="Liquidación L-7")))

    assert len(renders) == 1
    assert len(reader.pages) == 1 + 22
    cover = reader.pages[0].extract_text()
    assert "F001-00019" in cover and "1 / 23" in cover  # page 1 of the bundle, not of the cover


@pytest.mark.django_db
def test_r_3_7_bundle_refuses_a_corrupt_document():
    OrganizationFactory()
    with pytest.raises(DomainError):
        build_bundle([BundleItem("Roto", b"%PDF-1.4 nothing", "application/pdf")], title="L-1")


# --- Issue 20: the stamp in a margin band; the bundle numbered "n / N" ------------------------


def test_r_3_7_image_stamp_sits_in_a_band_above_the_untouched_picture():
    """A full-page photo keeps every pixel: the stamp is in a white band added on top."""
    original = make_image("PNG", (600, 800), (20, 60, 160))

    stamped = stamp_image(original, "image/png", STAMP)

    with Image.open(io.BytesIO(stamped)) as image, Image.open(io.BytesIO(original)) as before:
        band = image.height - before.height
        assert band > 0
        picture = image.convert("RGB").crop((0, band, image.width, image.height))
        assert picture.tobytes() == before.convert("RGB").tobytes()
        assert red_pixels(image.crop((0, 0, image.width, band))) > 200


def _text_heights(pdf: bytes) -> dict[str, float]:
    """The baseline height (in page space) of each text run of the first page."""
    heights = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            heights[text.strip()] = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return heights


def _page_with_text_at_the_top_edge() -> bytes:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 14 Tf 400 828 Td (EDGE) Tj ET")  # top right: where stamps went
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_r_3_7_pdf_stamp_sits_in_a_band_above_the_page_content():
    stamped = stamp_pdf(_page_with_text_at_the_top_edge(), STAMP)

    heights = _text_heights(stamped)
    page = PdfReader(io.BytesIO(stamped)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (595, 842)  # same size
    stamp_y = heights[TEXT]
    edge_top = heights["EDGE"] + 14  # the content's highest glyph, after shrinking
    assert edge_top <= stamp_y - 2  # the stamp's box starts above the content
    assert stamp_y < 842


def test_r_3_7_multi_page_scan_is_stamped_on_every_page():
    scan = io.BytesIO()
    pages = [Image.new("L", (850, 1100), 230) for _ in range(3)]
    pages[0].save(scan, "PDF", resolution=100, save_all=True, append_images=pages[1:])

    stamped = stamp_pdf(scan.getvalue(), STAMP)

    assert [TEXT in text for text in page_texts(stamped)] == [True, True, True]


def _photo_4000x3000(orientation=1) -> bytes:
    image = Image.new("RGB", (4000, 3000), (90, 120, 80))
    exif = image.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _image_sizes(page) -> list[tuple[int, int]]:
    xobjects = page["/Resources"].get("/XObject") or {}
    return [
        (int(x.get_object()["/Width"]), int(x.get_object()["/Height"])) for x in xobjects.values()
    ]


@pytest.mark.django_db
def test_r_3_7_bundle_numbers_every_page_n_of_n_and_downscales_photos_to_print_resolution():
    OrganizationFactory()
    photo = stamp_document(_photo_4000x3000(), "image/jpeg", STAMP)
    turned = stamp_document(_photo_4000x3000(orientation=6), "image/jpeg", STAMP)
    scan = stamp_pdf(make_pdf((595, 842), (595, 842), (595, 842), (842, 595)), STAMP)

    bundle = build_bundle(
        [
            BundleItem("Factura escaneada", scan, "application/pdf"),
            BundleItem("Taxi", photo.content, photo.content_type),
            BundleItem("Hotel", turned.content, turned.content_type),
        ],
        title="Liquidación L-8",
    )

    reader = PdfReader(io.BytesIO(bundle))
    assert len(reader.pages) == 7
    for number, page in enumerate(reader.pages, start=1):
        assert f"{number} / 7" in page.extract_text()
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(width), round(height))) == [595, 842]  # every page A4
    taxi, hotel = reader.pages[5], reader.pages[6]
    assert float(taxi.mediabox.width) > float(taxi.mediabox.height)  # landscape photo
    assert float(hotel.mediabox.width) < float(hotel.mediabox.height)  # turned by EXIF
    for page in (taxi, hotel):
        ((width, height),) = _image_sizes(page)
        assert max(width, height) <= 2000  # about 160 dpi on A4, not 4000 px
    assert len(bundle) < 1_000_000


# --- Issue 23: a photo is stamped without decoding it ---------------------------------------


def _marked_photo(orientation=1, mode="RGB", size=(300, 200)) -> bytes:
    """A JPEG as stored by a phone: a red block in the stored top-left corner shows where the
    picture's top left ends up once the EXIF orientation is applied."""
    from PIL import ImageDraw

    colors = {
        "RGB": ((40, 120, 200), (220, 20, 20)),
        "L": (200, 30),
        "CMYK": ((0, 0, 0, 0), (0, 255, 255, 0)),
    }
    background, mark = colors[mode]
    image = Image.new(mode, size, background)
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 3, size[1] // 3), fill=mark)
    exif = image.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _render(pdf: bytes, width_px: int = 600):
    """The first page as pixels (PDFium), so that what a viewer shows is what is checked."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width()).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return image


def test_r_3_7_photo_stamped_copy_is_a_pdf_holding_the_original_jpeg_bytes_unchanged():
    original = _photo_4000x3000()
    before = bytes(original)

    stamped = stamp_document(original, "image/jpeg", STAMP)

    assert original == before  # the original is left as it was
    assert stamped.content_type == "application/pdf" and stamped.extension == "pdf"
    reader = PdfReader(io.BytesIO(stamped.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    (image,) = (x.get_object() for x in page["/Resources"]["/XObject"].values())
    assert image["/Filter"] == "/DCTDecode"
    assert image._data == original  # not decoded, not re-encoded: the photo's own bytes
    assert (image["/Width"], image["/Height"]) == (4000, 3000)  # full resolution
    assert TEXT in page.extract_text()  # the stamp is PDF text in the page's content
    assert b"Liquidado" in page.get_contents().get_data() and "/Annots" not in page
    assert len(stamped.content) < len(original) + 10_000


@pytest.mark.parametrize("orientation", range(1, 9))
def test_r_3_7_photo_stamped_copy_shows_the_picture_as_its_exif_orientation_says(orientation):
    from PIL import ImageOps

    original = _marked_photo(orientation)
    with Image.open(io.BytesIO(original)) as source:
        upright = ImageOps.exif_transpose(source)  # what a phone's gallery shows

    stamped = stamp_document(original, "image/jpeg", STAMP).content

    page = PdfReader(io.BytesIO(stamped)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    band = height - width * upright.height / upright.width
    assert 8 <= band <= 22.5  # the page is the upright picture plus the band on top
    assert page.rotation == 0
    rendered = _render(stamped)
    top = round(band * rendered.width / width) + 1
    picture = rendered.crop((0, top, rendered.width, rendered.height)).resize(upright.size)
    # The red corner is where the gallery shows it, and the picture is the gallery's picture.
    for corner in ((10, 10), (upright.width - 10, 10), (10, upright.height - 10)):
        assert red_pixels(picture.crop((*corner, corner[0] + 1, corner[1] + 1))) == red_pixels(
            upright.crop((*corner, corner[0] + 1, corner[1] + 1))
        )
    difference = sum(
        abs(a - b) for a, b in zip(picture.tobytes(), upright.convert("RGB").tobytes(), strict=True)
    ) / len(picture.tobytes())
    assert difference < 12


def test_r_3_7_photo_stamp_sits_in_the_band_above_the_picture_never_on_it():
    original = _marked_photo(6)

    stamped = stamp_document(original, "image/jpeg", STAMP).content

    page = PdfReader(io.BytesIO(stamped)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    picture_top = width * 300 / 200  # turned by EXIF: 200 wide, 300 tall as shown
    assert _text_heights(stamped)[TEXT] > picture_top  # the stamp's baseline is in the band
    rendered = _render(stamped)
    band = rendered.crop(
        (0, 0, rendered.width, round((height - picture_top) * rendered.width / width))
    )
    assert red_pixels(band) > 100  # the red stamp box and text, in the band
    top_right = band.crop((band.width // 2, 0, band.width, band.height))
    assert red_pixels(top_right) > 100  # right-aligned, as on PDF pages


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_r_3_7_grey_and_cmyk_photos_keep_their_colours_in_the_stamped_copy(mode):
    original = _marked_photo(1, mode)
    with Image.open(io.BytesIO(original)) as source:
        expected = source.convert("RGB").resize((300, 200))

    stamped = stamp_document(original, "image/jpeg", STAMP).content

    page = PdfReader(io.BytesIO(stamped)).pages[0]
    image = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image._data == original
    rendered = _render(stamped)
    band = round((float(page.mediabox.height) - 842 * 200 / 300) * rendered.width / 842) + 1
    picture = rendered.crop((0, band, rendered.width, rendered.height)).resize((300, 200))
    for point in ((20, 20), (250, 150)):  # the mark and the background
        got, want = picture.getpixel(point), expected.getpixel(point)
        assert all(abs(a - b) < 40 for a, b in zip(got, want, strict=True)), (point, got, want)


def test_r_3_7_photo_with_a_colour_profile_keeps_it():
    from PIL import ImageCms

    image = Image.new("RGB", (200, 100), (30, 160, 90))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", icc_profile=icc)

    stamped = stamp_document(out.getvalue(), "image/jpeg", STAMP).content

    xobject = PdfReader(io.BytesIO(stamped)).pages[0]["/Resources"]["/XObject"]["/Im0"]
    space = xobject.get_object()["/ColorSpace"]
    assert space[0] == "/ICCBased" and space[1].get_object().get_data() == icc
    assert space[1].get_object()["/N"] == 3


@pytest.mark.parametrize(
    "content",
    [b"\xff\xd8\xff\xe0 not really a jpeg", _photo_4000x3000()[:5000]],
    ids=["garbage", "truncated"],
)
def test_r_3_7_corrupt_photo_is_a_domain_error_not_a_crash(content):
    with pytest.raises(DomainError) as error:
        stamp_document(content, "image/jpeg", STAMP)
    assert error.value.code == "file_corrupt"


def test_r_3_7_twenty_phone_photos_are_stamped_without_decoding_them(monkeypatch):
    """The stamp costs no pixel work: decoding is not even called (timing stays in the bench)."""
    from PIL import ImageFile

    def no_decoding(*args, **kwargs):
        raise AssertionError("a photo was decoded to be stamped")

    photos = [_photo_4000x3000(orientation=(1, 6)[n % 2]) for n in range(2)] * 10
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    copies = [stamp_document(photo, "image/jpeg", STAMP) for photo in photos]

    assert all(TEXT in page_texts(copy.content)[0] for copy in copies)


@pytest.mark.django_db
def test_r_3_7_bundle_keeps_a_200_dpi_scan_as_it_is_and_downscales_a_photo_once():
    OrganizationFactory()
    scan = io.BytesIO()
    Image.new("L", (1654, 2339), 235).save(scan, "PDF", resolution=200)
    stamped_scan = stamp_pdf(scan.getvalue(), STAMP)
    photo = stamp_document(_photo_4000x3000(orientation=6), "image/jpeg", STAMP)
    scan_image = PdfReader(io.BytesIO(stamped_scan)).pages[0]["/Resources"]["/XObject"]

    bundle = build_bundle(
        [
            BundleItem("Factura escaneada", stamped_scan, "application/pdf"),
            BundleItem("Taxi", photo.content, photo.content_type),
        ],
        title="Liquidación L-9",
    )

    reader = PdfReader(io.BytesIO(bundle))
    assert len(reader.pages) == 3
    ((kept,),) = [[x.get_object() for x in scan_image.values()]]
    (in_bundle,) = (x.get_object() for x in reader.pages[1]["/Resources"]["/XObject"].values())
    assert in_bundle._data == kept._data  # 200 dpi on A4 is print resolution already
    ((width, height),) = _image_sizes(reader.pages[2])
    # Decoded at half scale (DCT scaling), about 180 dpi on A4: not resampled further.
    assert (width, height) == (2000, 1500)
    assert TEXT in reader.pages[2].extract_text() and "3 / 3" in reader.pages[2].extract_text()
    photo_page = reader.pages[2]
    assert float(photo_page.mediabox.width) < float(photo_page.mediabox.height)  # upright
