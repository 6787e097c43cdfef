"""Real documents for `make bench` (issue 23): 12-MP phone photos and multi-page scans, made
deterministically here (nothing binary is committed), and the measurement of receiving,
stamping and bundling them in a process of their own, so that its peak memory (RSS) is theirs.

    python bench/documents.py receive SETTLEMENT_ID ACTOR_ID DATE   → JSON on stdout
    python bench/documents.py bundle SETTLEMENT_ID                  → JSON on stdout
    python bench/documents.py scans N PAGES                         → JSON on stdout
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
PHOTO_SIZE = (4000, 3000)  # 12 MP, as a phone takes it (landscape sensor)
SMOKE_PHOTO_SIZE = (800, 600)
PHOTO_QUALITY = 92  # with the grain below: about 3.5 MB, as a phone's JPEG


@functools.lru_cache(maxsize=2)
def _grain(size: tuple[int, int]):
    """Sensor noise, reused across photos at a different offset each (deterministic)."""
    from PIL import Image

    width, height = size[0] + 64, size[1] + 64
    rng = random.Random(23)
    return Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def phone_photo(seed: int, *, size: tuple[int, int] = PHOTO_SIZE, orientation: int = 1) -> bytes:
    """A receipt photographed on a table: a lit gradient, the paper with lines of print, grain;
    stored landscape with an EXIF orientation tag, as phones do (6 = held upright)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    base = Image.linear_gradient("L").resize((width, height))
    tint = (70 + rng.randrange(30), 60 + rng.randrange(30), 50 + rng.randrange(30))
    photo = Image.merge(
        "RGB", [base.point(lambda v, t=t: t + v // 3) for t in tint]
    )  # uneven light across the table
    draw = ImageDraw.Draw(photo)
    left, top = int(width * (0.22 + rng.random() * 0.05)), int(height * 0.06)
    draw.rectangle((left, top, width - left, height - top), fill=(236, 234, 226))
    font = _font(max(10, height // 50))
    step = max(12, height // 33)
    y = top + step
    while y < height - top - step:
        line = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789.,:/-") for _ in range(34))
        draw.text((left + width // 40, y), line, font=font, fill=(25, 25, 30))
        y += step
    dx, dy = rng.randrange(64), rng.randrange(64)
    grain = _grain(size).crop((dx, dy, dx + width, dy + height))
    photo = Image.blend(photo, grain, 18 / 255)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "BenchPhone"
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=PHOTO_QUALITY, exif=exif)
    return out.getvalue()


def scanned_pdf(seed: int, *, pages: int = 4, dpi: int = 200) -> bytes:
    """A multi-page scan: A4 pages at `dpi`, greyscale JPEG inside a PDF, as office scanners
    and phone scanning apps produce them."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    font = _font(dpi // 8)
    images = []
    for _ in range(pages):
        page = Image.new("L", (width, height), 242)
        draw = ImageDraw.Draw(page)
        y = dpi // 2
        while y < height - dpi // 2:
            line = "".join(rng.choice("ABCDEFGHIJ KLMNOPQRST 0123456789.,") for _ in range(40))
            draw.text((dpi // 2, y), line, font=font, fill=30)
            y += dpi // 5
        dx, dy = rng.randrange(64), rng.randrange(64)
        grain = _grain((width, height)).crop((dx, dy, dx + width, dy + height)).convert("L")
        images.append(Image.blend(page, grain, 10 / 255))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


# --- measurement in a process of its own -------------------------------------------------------


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that over
    exec from the parent, here the benchmark holding the generated dataset."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    # Loaded as in a worker that has stamped and built a PDF before: importing WeasyPrint
    # (Pango, about 0.6 s) is start-up, not the work measured.
    import PIL.Image  # noqa: F401
    import pypdf  # noqa: F401
    import weasyprint  # noqa: F401


def _timed(fn) -> dict:
    baseline = _peak_mb()  # Django, the project and the database driver loaded
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return {
        "s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": _peak_mb(),
        "baseline_rss_mb": baseline,
        **(result or {}),
    }


def receive(settlement_id: int, actor_id: int, day: str) -> dict:
    """Receiving the settlement: its stamping run, then (the worker's next task, run in this
    process too without a broker) building the stored bundle and report ahead of the first
    download. The stamping part is the receive-and-stamp figure: its CPU time and the peak RSS
    when it ends; `prebuild_*` is the build after it."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from settlements import built, services
    from settlements.models import Settlement

    actor = get_user_model().objects.get(pk=actor_id)
    settlement = Settlement.objects.get(pk=settlement_id)
    documents = list(settlement.documents.values_list("content_type", flat=True))
    prebuild: dict = {}
    build = built.built_documents_build

    def timed_build(settlement_id: int) -> list[str]:
        prebuild["stamp_peak_rss_mb"] = _peak_mb()
        cpu = time.process_time()
        try:
            return build(settlement_id)
        finally:
            prebuild["cpu_s"] = time.process_time() - cpu

    built.built_documents_build = timed_build

    def run():
        cpu = time.process_time()
        services.settlement_receive(
            actor=actor, settlement=settlement, today=dt.date.fromisoformat(day)
        )
        total = time.process_time() - cpu
        stamped = Settlement.objects.get(pk=settlement_id).documents.exclude(stamped_file="")
        return {
            "documents": len(documents),
            "photos": documents.count("image/jpeg"),
            "stamped": stamped.count(),
            "stamped_types": sorted(set(stamped.values_list("stamped_content_type", flat=True))),
            "stamp_cpu_s": round(total - prebuild.get("cpu_s", 0), 2),
            "stamp_peak_rss_mb": prebuild.get("stamp_peak_rss_mb") or _peak_mb(),
            "prebuild_cpu_s": round(prebuild.get("cpu_s", 0), 2),
        }

    return _timed(run)


def bundle(settlement_id: int) -> dict:
    from settlements import documents
    from settlements.models import Settlement

    settlement = Settlement.objects.get(pk=settlement_id)
    return _timed(lambda: {"bytes": len(documents.render_bundle(settlement))})


def scans(count: int, pages: int) -> dict:
    import datetime as dt

    from settlements.stamping import Stamp, stamp_document

    files = [scanned_pdf(n, pages=pages) for n in range(count)]
    stamp = Stamp(dt.date(2026, 3, 10), "Bench Asistente")

    def run():
        out = [stamp_document(f, "application/pdf", stamp) for f in files]
        return {
            "documents": count,
            "pages_each": pages,
            "bytes_in": sum(map(len, files)),
            "bytes_out": sum(len(d.content) for d in out),
        }

    return _timed(run)


def main() -> None:
    _setup()
    what, *args = sys.argv[1:]
    if what == "receive":
        result = receive(int(args[0]), int(args[1]), args[2])
    elif what == "bundle":
        result = bundle(int(args[0]))
    elif what == "scans":
        result = scans(int(args[0]), int(args[1]))
    else:
        sys.exit(f"unknown measurement {what!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
