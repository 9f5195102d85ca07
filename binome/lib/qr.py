"""QR codes as inline SVG (qrcode, the library allauth already draws authenticator QR codes with)."""

from __future__ import annotations

from io import BytesIO

import qrcode
from qrcode.image.svg import SvgPathImage


def qr_svg(text: str) -> str:
    """An SVG image (markup, to put in a page as it is) of a QR code of `text`."""
    image = qrcode.make(text, image_factory=SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf8")
