"""Uploaded files are judged by their content, limited in size, and their names cleaned."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fonds.files import MAX_BYTES
from fonds.uploads import check_upload, clean_name, sniff

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")],
)
def test_the_type_is_judged_from_the_first_bytes(content: bytes, expected: str) -> None:
    assert sniff(content[:16]) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"Hallo, das ist nur Text.",
        b"GIF89a\x01\x00",
        b"PK\x03\x04zipfile",
        b"<html><script>",
        b"RIFF\x00\x00\x00\x00WAVE",
    ],
)
def test_other_content_is_not_accepted(content: bytes) -> None:
    assert sniff(content[:16]) is None


def test_an_accepted_file_keeps_its_cleaned_name_and_the_type_of_its_content() -> None:
    # The browser claims "text/plain": what counts is the content.
    checked = check_upload(upload("Angebot Zelt.pdf", PDF, content_type="text/plain"))
    assert (checked.name, checked.content_type, checked.size) == ("Angebot Zelt.pdf", "application/pdf", len(PDF))


def test_a_pdf_name_with_png_content_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("angebot.pdf", PNG))
    assert refused.value.messages == [
        "Der Name „angebot.pdf“ endet auf .pdf, die Datei ist aber eine PNG-Datei. Bitte prüfen Sie die Datei."
    ]


def test_a_pdf_name_with_text_content_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("angebot.pdf", b"Das ist keine PDF-Datei, nur Text."))
    assert refused.value.messages == [
        "„angebot.pdf“ hat eine Dateiart, die wir nicht annehmen. "
        "Bitte laden Sie eine PDF-, PNG-, JPEG- oder WebP-Datei hoch."
    ]


def test_a_file_over_10_mb_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("plan.pdf", PDF + b"0" * MAX_BYTES))
    assert refused.value.messages == [
        "Die Datei „plan.pdf“ ist 10,0 MB groß; möglich sind höchstens 10,0 MB. "
        "Bitte laden Sie eine kleinere Datei hoch."
    ]


def test_a_file_of_exactly_10_mb_is_accepted() -> None:
    assert check_upload(upload("plan.pdf", PDF + b"0" * (MAX_BYTES - len(PDF)))).size == MAX_BYTES


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("leer.pdf", b""))
    assert refused.value.messages == ["Die Datei „leer.pdf“ ist leer."]


def test_photos_only_accept_images() -> None:
    assert check_upload(upload("fest.webp", WEBP), images_only=True).content_type == "image/webp"
    with pytest.raises(ValidationError, match="ist kein Foto"):
        check_upload(upload("bericht.pdf", PDF), images_only=True)


def test_a_name_without_fitting_extension_gets_the_one_of_its_content() -> None:
    assert check_upload(upload("scan", JPEG)).name == "scan.jpg"
    assert check_upload(upload("Angebot 1.3.2026", PDF)).name == "Angebot 1.3.2026.pdf"
    assert check_upload(upload("FOTO.JPEG", JPEG)).name == "FOTO.JPEG"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Ayşe\\Angebot Malerei.pdf", "Angebot Malerei.pdf"),
        ("  .versteckt.pdf", "versteckt.pdf"),
        ('ein"böser"<name>|?.pdf', "ein_böser__name___.pdf"),
        ("zeile\numbruch\x00.png", "zeile umbruch.png"),
        ("", "datei"),
        ("...", "datei"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(name: str, expected: str) -> None:
    assert clean_name(name) == expected
