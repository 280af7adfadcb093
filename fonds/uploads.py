"""Checking files that applicants upload: the type is judged from the content (its first bytes), never from
the name or what the browser claims; the size is limited; the name is cleaned before it is kept.

A file whose content is one of the accepted types but whose name ends in the extension of another type
(``foto.pdf`` holding a PNG) is refused too: the office would open it as the wrong kind of file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from fonds.files import MAX_BYTES

# content type → (what people call it, the extensions a name of such a file may end in; the first is added
# to a name without one)
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", ("pdf",)),
    "image/png": ("PNG", ("png",)),
    "image/jpeg": ("JPEG", ("jpg", "jpeg", "jpe", "jfif")),
    "image/webp": ("WebP", ("webp",)),
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
ACCEPT = ",".join([*TYPES, *(f".{ext}" for _label, exts in TYPES.values() for ext in exts)])
ACCEPT_IMAGES = ",".join([*IMAGE_TYPES, *(f".{ext}" for kind in IMAGE_TYPES for ext in TYPES[kind][1])])
MAX_NAME = 200
EXTENSION = re.compile(r"[a-z][a-z0-9]{1,4}")
HEAD = 16


def sniff(head: bytes) -> str | None:
    """The content type of a file that starts with ``head``, if it is one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_name(name: str) -> str:
    """A file name safe to keep and to offer for download: no folders, no control or reserved characters,
    no leading dots, at most 200 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(char)[0] in {"C", "Z"} else char for char in name)
    name = re.sub(r'[<>:"|?*;\x00]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = re.sub(r"[^\w]", "", ext)[:10]
    stem = stem.strip(" .") or "datei"
    room = MAX_NAME - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(" .") or "datei"
    return f"{stem}.{ext}" if ext else stem


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def human_size(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f}".replace(".", ",") + " MB"


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> CheckedFile:
    """``upload`` if it may be kept: an accepted type by content, its name fitting it, at most 10 MB.

    Raises ``ValidationError`` with a message for the applicant otherwise."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s large; at most %(max)s are possible. Please upload a smaller file.")
            % {"name": name, "size": human_size(size), "max": human_size(MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None or (images_only and content_type not in IMAGE_TYPES):
        message = (
            _("“%(name)s” is not a photo. Please upload a PNG, JPEG or WebP image.")
            if images_only
            else _("“%(name)s” is not a file type we accept. Please upload a PDF, PNG, JPEG or WebP file.")
        )
        raise ValidationError(message % {"name": name}, code="wrong_type")
    label, extensions = TYPES[content_type]
    _stem, dot, ext = name.rpartition(".")
    ext = ext.lower() if dot else ""
    if not EXTENSION.fullmatch(ext):  # no extension, or a part of the name such as "Angebot 1.3.2026"
        name = clean_name(f"{name}.{extensions[0]}")
    elif ext not in extensions:
        raise ValidationError(
            _("The name “%(name)s” ends in .%(extension)s, but the file is a %(kind)s file. Please check the file.")
            % {"name": name, "extension": ext, "kind": label},
            code="wrong_extension",
        )
    return CheckedFile(upload=upload, name=name, content_type=content_type, size=size)
