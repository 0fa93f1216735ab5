"""Builders of test documents (PDF, TIFF, PNG, JPEG, e-mail) and of broken and hostile files."""

from __future__ import annotations

import io
import struct
import zlib
from email.message import EmailMessage

import pymupdf
from PIL import Image

LINES = (
    "REFERRAL FORM",
    "Patient Name: Maria Gonzalez  DOB: 03/14/1962",
    "Member ID: XQZ123456789  Group: 88812",
    "Reason for Referral: right knee pain",
    "Referring Provider: John Carter MD  NPI 1234567893",
)


def text_pdf(lines: tuple[str, ...] | list[str] = LINES, pages: int = 1, rotate: int = 0) -> bytes:
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=612, height=792)
        y = 72.0
        for line in lines:
            page.insert_text((72, y), line, fontsize=11, fontname="helv")
            y += 20
        if rotate:
            page.set_rotation(rotate)
    return doc.tobytes()


def upright_rotated_pdf() -> bytes:
    """A page stored landscape-sideways with /Rotate 90, whose text reads upright when displayed."""
    doc = pymupdf.open()
    page = doc.new_page(width=792, height=612)  # unrotated: landscape
    page.set_rotation(90)  # displayed: portrait 612 x 792
    # Text drawn so that after the 90-degree display rotation it runs left to right.
    for i, line in enumerate(LINES):
        point = pymupdf.Point(72, 72 + 20 * i) * page.derotation_matrix
        page.insert_text(point, line, fontsize=11, fontname="helv", rotate=90)
    return doc.tobytes()


def form_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 72), "Referral Request", fontsize=14)
    page.insert_text((72, 110), "Patient name:", fontsize=10)
    w = pymupdf.Widget()
    w.field_name, w.field_type = "patient_name", pymupdf.PDF_WIDGET_TYPE_TEXT
    w.rect, w.field_value = pymupdf.Rect(160, 96, 400, 114), "Maria Gonzalez"
    page.add_widget(w)
    c = pymupdf.Widget()
    c.field_name, c.field_type = "urgent", pymupdf.PDF_WIDGET_TYPE_CHECKBOX
    c.rect, c.field_value = pymupdf.Rect(72, 130, 84, 142), True
    page.add_widget(c)
    page.insert_text((90, 140), "Urgent", fontsize=10)
    return doc.tobytes()


def encrypted_pdf() -> bytes:
    doc = pymupdf.open(stream=text_pdf(), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="0wner")


def render_gray(pdf: bytes, dpi: int = 200, page: int = 0) -> Image.Image:
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    pix = doc[page].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def scanned_pdf(lines: tuple[str, ...] = LINES, angle: float = 0.0, junk_layer: bool = False) -> bytes:
    """An image-only page (a scan) made from a rendered text page; `junk_layer` adds the invisible
    garbage text some scanners write over the image."""
    img = render_gray(text_pdf(lines)).rotate(angle, fillcolor=255)
    buf = io.BytesIO()
    img.convert("1").save(buf, "PNG")
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_image(page.rect, stream=buf.getvalue())
    if junk_layer:
        for i, junk in enumerate(
            ("tHe qXzv lIlI Nrnrnrn", "zkqwp xJk Ptnt ~~^^ lIl1 0O0o", "rnrnm qqxv wWvV")
        ):
            page.insert_text((72, 80 + 20 * i), junk, fontsize=11, render_mode=3)
    return doc.tobytes(deflate=True)


def fax_tiff_g4(pages: int = 2, fine: bool = False) -> bytes:
    """Group 4 TIFF at 200x100 ("normal") or 200x200 dpi, like a fax machine writes."""
    frames = []
    for _ in range(pages):
        img = render_gray(text_pdf()).convert("1")
        if not fine:
            img = img.resize((img.width, img.height // 2))
        frames.append(img)
    buf = io.BytesIO()
    frames[0].save(
        buf,
        "TIFF",
        compression="group4",
        save_all=True,
        append_images=frames[1:],
        dpi=(200, 200 if fine else 100),
    )
    return buf.getvalue()


def lzw_tiff(pages: int = 2) -> bytes:
    frames = [render_gray(text_pdf(), dpi=100) for _ in range(pages)]
    buf = io.BytesIO()
    frames[0].save(
        buf, "TIFF", compression="tiff_lzw", save_all=True, append_images=frames[1:], dpi=(100, 100)
    )
    return buf.getvalue()


def small_image(fmt: str, text: str = "Member ID XQZ123456789") -> bytes:
    """A small card-sized picture of one line of text (cheap to OCR)."""
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=60)
    page.insert_text((12, 36), text, fontsize=14, fontname="helv")
    pix = page.get_pixmap(dpi=200, alpha=False)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    buf = io.BytesIO()
    img.save(buf, fmt, dpi=(200, 200))
    return buf.getvalue()


def eml_with_attachments() -> bytes:
    """A message with a PDF and a PNG attached, forwarding a message that has its own PDF."""
    inner = EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = "clinic@example.org", "intake@example.org", "Referral"
    inner.set_content("Original referral attached.")
    inner.add_attachment(
        text_pdf(
            [
                "Progress Note",
                "Patient Name: Maria Gonzalez DOB: 03/14/1962",
                "Assessment and plan: follow up",
            ]
        ),
        maintype="application",
        subtype="pdf",
        filename="note.pdf",
    )
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "front@example.org", "intake@example.org", "Fwd: Referral"
    outer.set_content("Please see the referral for Maria Gonzalez, card attached.\nThanks, front desk")
    outer.add_attachment(text_pdf(), maintype="application", subtype="pdf", filename="referral.pdf")
    outer.add_attachment(small_image("PNG"), maintype="image", subtype="png", filename="card.png")
    outer.add_attachment(inner)
    return outer.as_bytes()


def ten_thousand_page_pdf(n: int = 10_000) -> bytes:
    """A valid PDF of n empty pages, written directly (PyMuPDF takes seconds for this)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(f"{i + 3} 0 R".encode() for i in range(n))
    objs.append(b"<< /Type /Pages /Count " + str(n).encode() + b" /Kids [" + kids + b"] >>")
    objs.extend(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>" for _ in range(n))
    return _assemble(objs)


def _assemble(objs: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def bomb_pdf(inflated: int = 1_000_000_000) -> bytes:
    """A one-page PDF whose content stream inflates from ~1 MB to `inflated` bytes of spaces."""
    # After a full flush deflate forgets its history, so every later block of the same input compresses to
    # the same bytes: compress two blocks, repeat the second (the trailing checksum is then wrong: a bomb).
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 22)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * (inflated // len(chunk) - 1) + comp.flush()
    return _assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length "
            + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n"
            + stream
            + b"\nendstream",
        ]
    )


def eml_with(attachment: bytes, filename: str, maintype: str = "application", subtype: str = "pdf") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "clinic@example.org", "intake@example.org", "Referral"
    msg.set_content("Referral attached.")
    msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def huge_png_header(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header claims width x height pixels; the data after it is a token."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
