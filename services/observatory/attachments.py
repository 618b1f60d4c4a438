"""A practice's attachments: images and PDFs checked by their content, cleaned, stored once.

Whatever a file's name or declared type says, its bytes decide: Pillow must open it as PNG,
JPEG or WebP, or pikepdf as an unencrypted PDF with a page. The copy kept is cleaned of what
could name a person: an image is re-encoded from its pixels (its orientation applied first)
without EXIF, XMP, ICC or text chunks; a PDF loses its document information and XMP metadata.
It is stored by the SHA-256 of the cleaned bytes, so the same file twice is kept once.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Final

import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from contracts.errors import ErrorCode
from services.runtime.errors import DomainError, RuleBroken
from services.runtime.file_store import FileStore

MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
MAX_PIXELS: Final = 50_000_000
"""Larger images are refused rather than decoded (a decompression bomb)."""
IMAGE_TYPES: Final = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
PDF: Final = "application/pdf"
PDF_MAGIC: Final = b"%PDF-"
TABLE: Final = "attachments"


class UnsupportedMediaType(DomainError):
    """Not a PNG, JPEG, WebP image or a PDF, whatever its name says (415)."""

    status_code = 415


class TooLarge(DomainError):
    """Larger than an attachment may be (413)."""

    status_code = 413


@dataclass(frozen=True)
class CleanedFile:
    """An attachment's cleaned bytes, their media type and digest."""

    content: bytes
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def unsupported(why: str = "") -> UnsupportedMediaType:
    message = "An attachment is a PNG, JPEG or WebP image or a PDF document"
    return UnsupportedMediaType(
        ErrorCode.DESIGNATION_NOT_PDF, f"{message}{'; ' + why if why else ''}.", field="file"
    )


def clean_attachment(content: bytes) -> CleanedFile:
    """The cleaned copy of an upload; refusals name the field `file`."""
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise TooLarge(
            ErrorCode.DESIGNATION_TOO_LARGE,
            "An attachment may be at most 10 MiB.",
            field="file",
            max_bytes=MAX_ATTACHMENT_BYTES,
        )
    if content.startswith(PDF_MAGIC):
        cleaned, media_type = clean_pdf(content), PDF
    else:
        cleaned, media_type = clean_image(content)
    return CleanedFile(cleaned, media_type, hashlib.sha256(cleaned).hexdigest())


def clean_image(content: bytes) -> tuple[bytes, str]:
    """The image re-encoded from its pixels, orientation applied, without metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format or ""
                if kind not in IMAGE_TYPES:
                    raise unsupported(f"this is {kind or 'an unknown'} image")
                if image.width * image.height > MAX_PIXELS:
                    raise unsupported("this image has too many pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
                return encoded(upright, kind), IMAGE_TYPES[kind]
    except UnsupportedMediaType:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise unsupported() from None
    except Exception:
        # A truncated or damaged file fails while decoding, with whatever error the codec has.
        raise unsupported("this file could not be read") from None


def encoded(image: Image.Image, kind: str) -> bytes:
    """Only the pixels (and a palette's transparency): no EXIF, XMP, ICC or text chunks."""
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        palette = image.getpalette()
        if palette is not None:
            pixels.putpalette(palette)
    transparency = image.info.get("transparency")
    out = io.BytesIO()
    if kind == "PNG":
        extra = {"transparency": transparency} if transparency is not None else {}
        pixels.save(out, "PNG", optimize=True, **extra)
    elif kind == "JPEG":
        if pixels.mode not in ("RGB", "L", "CMYK"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=90, optimize=True)
    else:
        pixels.save(out, "WEBP", quality=90)
    return out.getvalue()


def clean_pdf(content: bytes) -> bytes:
    """The PDF without its document information and XMP metadata; refused if encrypted."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise encrypted()
            if len(pdf.pages) < 1:
                raise unsupported("this PDF has no pages")
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            for page in pdf.pages:
                if "/Metadata" in page.obj:
                    del page.obj["/Metadata"]
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise encrypted() from None
    except DomainError:
        raise
    except Exception:
        raise unsupported("this file could not be read as a PDF") from None


def encrypted() -> RuleBroken:
    return RuleBroken(
        ErrorCode.DESIGNATION_ENCRYPTED,
        "The PDF is encrypted or password-protected; attach it without a password.",
        field="file",
    )


class AttachmentFiles(FileStore):
    """The observatory's attachments, in its database, by the SHA-256 of the cleaned bytes."""

    def __init__(self, database_url: str) -> None:
        super().__init__(database_url, TABLE)

    def keep(self, cleaned: CleanedFile) -> None:
        """Store the cleaned file once."""
        self.put(cleaned.sha256, cleaned.content, cleaned.media_type)
