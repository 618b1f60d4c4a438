"""A practice's attachments: images and PDFs checked by their content, cleaned, stored once.

Whatever a file's name or declared type says, its bytes decide: Pillow must open it as PNG,
JPEG (a camera's MPO too) or WebP, or pikepdf as an unencrypted PDF with a page. The copy kept
is cleaned of what could name a person: an image is re-encoded from its pixels (its orientation
applied first) without EXIF, XMP, ICC or text chunks; a PDF loses every place it carries authors
or hidden content (`clean_pdf`). It is stored by the SHA-256 of the cleaned bytes, so the same
file twice is kept once. The store and the response serving an attachment live here too, for
the body's route and the catalogue's.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass
from typing import Annotated, Final

import pikepdf
from fastapi import Depends, Request
from fastapi.responses import Response
from PIL import Image, ImageOps, UnidentifiedImageError

from contracts.errors import ErrorCode
from services.runtime.errors import DomainError, RuleBroken
from services.runtime.file_store import FileStore

MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
MAX_PIXELS: Final = 25_000_000
"""Larger images are refused from their header, before any pixel is decoded: an image is kept
in memory once while it is cleaned (4 bytes a pixel at most, so 100 MB), whatever its file's
size (a 190 KB PNG may hold 49 million pixels)."""
OPTIMIZE_PIXELS: Final = 2_000_000
"""Smaller images are compressed harder (`optimize`); larger ones would cost seconds each."""
IMAGE_TYPES: Final = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a camera's JPEG with a second picture: kept as its first, plain JPEG
    "WEBP": "image/webp",
}
ENCODINGS: Final = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
PDF: Final = "application/pdf"
PDF_MAGIC: Final = b"%PDF-"
EXTENSIONS: Final = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", PDF: "pdf"}
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

    @property
    def filename(self) -> str:
        """The name it is kept and published under: `attachment-<8 of its SHA-256>.<ext>`.

        Never the uploader's: a file's name often holds a person's name ("Photo by Jane
        Doe.jpg"), which no check can recognise, and the name is published with the practice.
        The caption is where the body describes it (checked like every published text)."""
        return f"attachment-{self.sha256[:8]}.{EXTENSIONS[self.media_type]}"


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
                    raise TooLarge(
                        ErrorCode.DESIGNATION_TOO_LARGE,
                        "An image may have at most 25 million pixels.",
                        field="file",
                        max_bytes=MAX_ATTACHMENT_BYTES,
                        max_pixels=MAX_PIXELS,
                    )
                image.load()
                media_type = IMAGE_TYPES[kind]
                return encoded(image, ENCODINGS[media_type]), media_type
    except DomainError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise unsupported() from None
    except Exception:
        # A truncated or damaged file fails while decoding, with whatever error the codec has.
        raise unsupported("this file could not be read") from None


def encoded(image: Image.Image, kind: str) -> bytes:
    """Only the pixels (and a palette's transparency): no EXIF, XMP, ICC or text chunks.

    The decoded image is the only full copy: it is turned upright in place (a copy only when
    it has to turn), its `info` (where Pillow keeps EXIF, XMP, ICC and text chunks for the
    encoders) emptied, and it is saved with no EXIF, so nothing of the upload's metadata is
    written. A JPEG's mode other than RGB, L or CMYK costs one conversion."""
    transparency = image.info.get("transparency")
    ImageOps.exif_transpose(image, in_place=True)
    image.info = {}
    small = image.width * image.height <= OPTIMIZE_PIXELS
    out = io.BytesIO()
    if kind == "PNG":
        extra = {"transparency": transparency} if transparency is not None else {}
        image.save(out, "PNG", optimize=small, exif=b"", **extra)
    elif kind == "JPEG":
        pixels = image if image.mode in ("RGB", "L", "CMYK") else image.convert("RGB")
        pixels.save(out, "JPEG", quality=90, optimize=small, exif=b"")
    else:
        image.save(out, "WEBP", quality=90, exif=b"", xmp=b"")
    return out.getvalue()


# PDF: every place a PDF carries who wrote it, or content a reader does not see on its pages.
CATALOGUE_KEYS: Final = (
    "/Metadata",  # XMP
    "/OpenAction",  # an action run on opening (JavaScript, a launch, a form submission)
    "/AA",  # additional actions
    "/AcroForm",  # form fields and their values
    "/Collection",  # a portfolio of embedded files
    "/PieceInfo",  # an editor's private data (authors, history)
    "/AF",  # associated (embedded) files, PDF 2.0
    "/SpiderInfo",
)
NAME_TREES: Final = ("/EmbeddedFiles", "/JavaScript")
# Annotations go entirely: sticky notes, comments and highlights name their author (/T) and
# hold text; this takes the PDF's links too (they are annotations), a price of being sure.
PAGE_KEYS: Final = ("/Annots", "/AA", "/Metadata", "/PieceInfo", "/AF")
OBJECT_KEYS: Final = ("/Metadata", "/PieceInfo", "/AA", "/JS", "/AF")
"""Dropped from every object: XMP on images, fonts and forms; actions and scripts anywhere."""
JPEG_METADATA: Final = frozenset({0xE1, 0xED, 0xFE})
"""APP1 (EXIF, XMP), APP13 (IPTC, Photoshop) and COM segments of a JPEG."""


def clean_pdf(content: bytes) -> bytes:
    """The PDF without authors or hidden content; refused if encrypted.

    Removed: the document information, XMP on every object, annotations (links too), embedded
    files, JavaScript and other actions, form fields, editors' private data, and the EXIF, XMP
    and IPTC segments of the JPEG images on its pages (taken out of the JPEG bytes, not
    re-encoded, so the picture is unchanged). Only the objects still referred to are written,
    so what is unhooked is not in the copy kept."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise encrypted()
            if len(pdf.pages) < 1:
                raise unsupported("this PDF has no pages")
            strip_pdf(pdf)
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise encrypted() from None
    except DomainError:
        raise
    except Exception:
        raise unsupported("this file could not be read as a PDF") from None


def strip_pdf(pdf: pikepdf.Pdf) -> None:
    """Unhook from `pdf` everything `clean_pdf` says it removes."""
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in CATALOGUE_KEYS:
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in NAME_TREES:
            if key in names:
                del names[key]
    for page in pdf.pages:
        for key in PAGE_KEYS:
            if key in page.obj:
                del page.obj[key]
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        for key in OBJECT_KEYS:
            if key in obj:
                del obj[key]
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                obj.write(b"")  # in case something not unhooked above still refers to it
            elif obj.get("/Subtype") == pikepdf.Name.Image and is_plain_jpeg(obj):
                obj.write(
                    jpeg_without_metadata(obj.read_raw_bytes()), filter=pikepdf.Name.DCTDecode
                )


def is_plain_jpeg(image: pikepdf.Stream) -> bool:
    """An image stream that is a JPEG file as it is (its one filter DCTDecode)."""
    found = image.get("/Filter")
    if isinstance(found, pikepdf.Array):
        return len(found) == 1 and found[0] == pikepdf.Name.DCTDecode
    return found == pikepdf.Name.DCTDecode


def jpeg_without_metadata(data: bytes) -> bytes:
    """The JPEG without its APP1, APP13 and COM segments, the picture's bytes untouched.

    Anything that does not read as a JPEG's segments is returned as it was."""
    if not data.startswith(b"\xff\xd8"):
        return data
    kept, at = bytearray(b"\xff\xd8"), 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return data
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is the picture
            kept += data[at:]
            return bytes(kept)
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if length < 2 or end > len(data):
            return data
        if marker not in JPEG_METADATA:
            kept += data[at:end]
        at = end
    return data


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


_files_lock = threading.Lock()


def attachment_files(request: Request) -> AttachmentFiles:
    """The service's attachment store, opened on first use and closed with the application."""
    state = request.app.state
    found: AttachmentFiles | None = getattr(state, "attachment_files", None)
    if found is None:
        with _files_lock:
            found = getattr(state, "attachment_files", None)
            if found is None:
                found = AttachmentFiles(state.settings.database_url)
                state.application.keeps(found)
                state.attachment_files = found
    return found


Files = Annotated[AttachmentFiles, Depends(attachment_files)]


def attachment_response(content: bytes, media_type: str, sha256: str) -> Response:
    """An attachment's bytes: images shown, PDFs downloaded, never sniffed.

    `no-cache`: a cache keeps it but asks again each time (the bytes never change for a digest,
    but a withdrawn or archived practice's attachment must stop being served at once)."""
    disposition = "inline" if media_type.startswith("image/") else "attachment"
    extension = EXTENSIONS.get(media_type, "bin")
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{sha256}.{extension}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-cache",
            "ETag": f'"{sha256}"',
        },
    )
