"""Make scans of a document: what a scanner or a phone does to a printed report.

``scan_pages`` rasterises a PDF's pages (pypdfium2) at a resolution, turns each page by a small
angle, adds sensor noise and JPEG compression; ``image_pdf`` packs the pages into an image-only
PDF (no text layer), ``png_zip`` into a zip of page images. Used by the OCR tests, the benchmark
and ``evaluate --scanned`` to score the OCR path on documents whose truth is known.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 200
    angle: float = 0.0  # degrees, counter-clockwise
    noise: float = 6.0  # std of Gaussian sensor noise (grey levels)
    jpeg: int = 80  # JPEG quality; 0 = lossless
    turn: int = 0  # 0/90/180/270: a page fed into the scanner sideways or upside down
    turn_pages: tuple[int, ...] = ()  # the 1-based pages ``turn`` applies to (empty: none)


def scan_pages(pdf_bytes: bytes, style: ScanStyle = ScanStyle(), seed: int = 0) -> list[np.ndarray]:
    """Each page of a PDF as a grayscale scan."""
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(pdf_bytes)
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                img = np.array(page.render(scale=style.dpi / 72, grayscale=True).to_numpy(), copy=True)
            finally:
                page.close()
            if img.ndim == 3:
                img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            out.append(_degrade(img, style, rng, i + 1))
    finally:
        pdf.close()
    return out


def _degrade(img: np.ndarray, style: ScanStyle, rng: np.random.Generator, page_no: int) -> np.ndarray:
    h, w = img.shape
    if style.angle:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), style.angle, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if style.noise:
        img = np.clip(img.astype(np.float32) + rng.normal(0, style.noise, img.shape), 0, 255).astype(np.uint8)
    if style.jpeg:
        _ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, style.jpeg])
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if style.turn and page_no in style.turn_pages:
        img = {90: cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE), 180: cv2.rotate(img, cv2.ROTATE_180),
               270: cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE)}[style.turn]
    return img


def image_pdf(pages: list[np.ndarray], dpi: int = 200) -> bytes:
    """An image-only PDF, one JPEG page image per page (what a scanner writes)."""
    from PIL import Image

    ims = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    ims[0].save(buf, format="PDF", save_all=True, append_images=ims[1:], resolution=float(dpi), quality=90)
    return buf.getvalue()


def png_bytes(page: np.ndarray) -> bytes:
    _ok, buf = cv2.imencode(".png", page)
    return buf.tobytes()


def png_zip(pages: list[np.ndarray]) -> bytes:
    """A zip of page images named in page order (page_1.png … page_10.png: natural order)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i, p in enumerate(pages):
            zf.writestr(f"page_{i + 1}.png", png_bytes(p))
    return buf.getvalue()


def tiff_bytes(pages: list[np.ndarray], dpi: int = 200) -> bytes:
    """A multi-page TIFF (fax/scanner output)."""
    from PIL import Image

    ims = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    ims[0].save(buf, format="TIFF", save_all=True, append_images=ims[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return buf.getvalue()
