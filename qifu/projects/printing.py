"""The printable pass: its QR code (segno) as SVG for the page, and the A5 PDF (reportlab) a driver keeps behind
the windscreen. The PDF is laid out for the checkpoint officer: the plate in large type, then validity and route,
then a QR code large enough to scan through glass; the rest in small type below.

Chinese text is set in ``QIFU_PDF_FONT`` (a TrueType-outline font, .ttf or .ttc) and embedded as a subset of the
glyphs used, so any phone or printer shows it. Without such a font the PDF only names Adobe's STSong-Light, which
desktop readers supply but many phone viewers do not (``manage.py check`` warns: projects.W001)."""

from __future__ import annotations

import io
from functools import cache

import segno
from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import PassPurpose, VehicleType
from .models import VehiclePass

EMBEDDED_FONT = "QifuCJK"
FALLBACK_FONT = "STSong-Light"


def qr_svg(content: str) -> str:
    """An inline SVG of the QR code (error correction M: survives a creased printout)."""
    out = io.BytesIO()
    segno.make(content, error="m").save(out, kind="svg", scale=5, border=4, xmldecl=False, svgns=True,
                                          omitsize=True)  # a viewBox: the page sizes it
    return out.getvalue().decode()


@cache
def font_name() -> str:
    """Register the configured TrueType font once per process; the fallback when there is none."""
    from reportlab.pdfbase import pdfmetrics

    path = getattr(settings, "QIFU_PDF_FONT", "")
    if path:
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path,
                                       subfontIndex=getattr(settings, "QIFU_PDF_FONT_INDEX", 0)))
        return EMBEDDED_FONT
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


@checks.register(checks.Tags.compatibility)
def check_pdf_font(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    path = getattr(settings, "QIFU_PDF_FONT", "")
    if path:
        try:
            font_name()
        except Exception as exc:  # noqa: BLE001 - any reason the font cannot be used is worth the same message
            return [checks.Error(f"QIFU_PDF_FONT {path} cannot be embedded: {exc}", id="projects.E001",
                                 hint="Use a TrueType-outline font (.ttf/.ttc), e.g. Debian's fonts-wqy-microhei.")]
        return []
    return [checks.Warning("No CJK TrueType font for pass PDFs: Chinese may not show on checkpoint phones.",
                           id="projects.W001", hint="apt-get install fonts-wqy-microhei, or set QIFU_PDF_FONT.")]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (by characters: Chinese has no spaces to break at)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for ch in text:
        if stringWidth(line + ch, font, size) > width and line:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines or [""]


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width`` on one line (at least ``smallest``)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 1
    return size


def pass_pdf(vp: VehiclePass, verify_url: str) -> bytes:
    """One A5 page: the plate, validity and route for the checkpoint, the QR code to the public check, then the
    pass's other particulars."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = font_name()
    buffer = io.BytesIO()
    width, height = A5
    margin = 12 * mm
    inner = width - 2 * margin
    c = canvas.Canvas(buffer, pagesize=A5)
    c.setTitle(f"{vp.number} {vp.plate}")
    c.setAuthor(vp.authority.name)

    # Title band
    c.setFillColor(colors.HexColor("#b71c1c"))
    c.rect(0, height - 24 * mm, width, 24 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 13 * mm, _("Vehicle pass"))
    c.setFont(font, 10)
    motto = _("One vehicle, one pass, one route")
    c.drawCentredString(width / 2, height - 20 * mm, f"{motto} · {PassPurpose(vp.purpose).label}")
    c.setFillColor(colors.black)

    # The plate, as large as fits, in a box (bold by stroking the outline: the font has one weight)
    y = height - 30 * mm
    box = 24 * mm
    c.setLineWidth(1.5)
    c.roundRect(margin, y - box, inner, box, 3 * mm, stroke=1, fill=0)
    size = _fit(vp.plate, font, 46, inner - 8 * mm, 24)
    text = c.beginText()
    text.setTextRenderMode(2)
    text.setFont(font, size)
    c.setLineWidth(0.8)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text.setTextOrigin((width - stringWidth(vp.plate, font, size)) / 2, y - box / 2 - size * 0.36)
    text.textOut(vp.plate)
    text.setTextRenderMode(0)
    c.drawText(text)
    y -= box + 8 * mm

    # Validity and route: what the officer checks against the road and the date
    label_w = 20 * mm
    c.setFont(font, 10)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawString(margin, y, _("Valid"))
    c.setFillColor(colors.black)
    valid = f"{vp.valid_from:%Y-%m-%d} — {vp.valid_until:%Y-%m-%d}"
    c.setFont(font, _fit(valid, font, 16, inner - label_w, 10))
    c.drawString(margin + label_w, y, valid)
    y -= 8 * mm
    c.setFont(font, 10)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawString(margin, y, _("Route"))
    c.setFillColor(colors.black)
    route_lines = _wrap(vp.route, font, 13, inner - label_w)
    route_size = 13 if len(route_lines) <= 3 else 10
    route_lines = _wrap(vp.route, font, route_size, inner - label_w)[:5]
    c.setFont(font, route_size)
    for line in route_lines:
        c.drawString(margin + label_w, y, line)
        y -= route_size * 1.35
    y -= 2 * mm

    # The other particulars, small
    rows = [
        (_("Pass number"), vp.number),
        (_("Vehicle type"), str(VehicleType(vp.vehicle_type).label)),
        (_("Enterprise"), vp.enterprise.name),
        (_("Key project"), vp.project.name),
        (_("Issued by"), vp.authority.name),
    ]
    for label, value in rows:
        c.setFont(font, 9)
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(margin, y, label)
        c.setFillColor(colors.black)
        for line in _wrap(str(value), font, 9, inner - label_w)[:2]:
            c.drawString(margin + label_w, y, line)
            y -= 4.6 * mm

    # The QR code: fills the space left above the footer, square, at least 50 mm, centred
    footer = 16 * mm
    size = max(50 * mm, min(inner * 0.78, y - 3 * mm - footer))
    widget = QrCodeWidget(verify_url, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, (width - size) / 2, footer)
    c.setFont(font, 9)
    c.drawCentredString(width / 2, 11 * mm, _("Checkpoints: scan the code to verify."))
    c.setFont(font, 7)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawCentredString(width / 2, 7 * mm, _("Printed %(time)s") % {
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    c.showPage()
    c.save()
    return buffer.getvalue()
