"""The printable pass: its QR code (segno) as SVG for the page and as a PNG-free vector drawing in the PDF
(reportlab). Chinese text in the PDF uses ``QIFU_PDF_FONT`` (a TrueType font, embedded) when set, else the
standard Adobe CJK font STSong-Light, which PDF readers provide (no font file needed on the server)."""

from __future__ import annotations

import io
from functools import cache

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import PassPurpose, VehicleType
from .models import VehiclePass


def qr_svg(content: str) -> str:
    """An inline SVG of the QR code (error correction M: survives a creased printout)."""
    out = io.BytesIO()
    segno.make(content, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics

    path = getattr(settings, "QIFU_PDF_FONT", "")
    if path:
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("QifuCJK", path))
        return "QifuCJK"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def pass_pdf(vp: VehiclePass, verify_url: str) -> bytes:
    """One A5 page: title, the pass's fields, the QR code pointing to the public check."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _font()
    buffer = io.BytesIO()
    width, height = A5
    c = canvas.Canvas(buffer, pagesize=A5)
    c.setTitle(f"{vp.number} {vp.plate}")
    c.setFont(font, 18)
    c.drawCentredString(width / 2, height - 22 * mm, _("Vehicle pass"))
    c.setFont(font, 10)
    c.drawCentredString(width / 2, height - 29 * mm, _("One vehicle, one pass, one route"))
    rows = [
        (_("Pass number"), vp.number),
        (_("Plate number"), vp.plate),
        (_("Vehicle type"), str(VehicleType(vp.vehicle_type).label)),
        (_("Purpose"), str(PassPurpose(vp.purpose).label)),
        (_("Route"), vp.route),
        (_("Valid"), f"{vp.valid_from:%Y-%m-%d} — {vp.valid_until:%Y-%m-%d}"),
        (_("Enterprise"), vp.enterprise.name),
        (_("Key project"), vp.project.name),
        (_("Issued by"), vp.authority.name),
    ]
    y = height - 42 * mm
    for label, value in rows:
        c.setFont(font, 10)
        c.drawString(14 * mm, y, f"{label}：")
        c.setFont(font, 12 if label == _("Plate number") else 10)
        text = str(value)
        while text:  # wrap long routes by characters (CJK has no spaces)
            part = text[:26]
            c.drawString(44 * mm, y, part)
            text = text[26:]
            if text:
                y -= 5 * mm
        y -= 8 * mm
    widget = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 48 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, (width - size) / 2, 16 * mm)
    c.setFont(font, 8)
    c.drawCentredString(width / 2, 12 * mm, _("Checkpoints: scan the code to verify. Printed %(time)s") % {
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    c.showPage()
    c.save()
    return buffer.getvalue()
