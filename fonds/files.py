"""Uploaded files of applications: judged by their content, limited in size, served only through views that
have checked who is asking."""

from __future__ import annotations

from django.http import FileResponse

from fonds.models import Attachment

MAX_BYTES = 10 * 1024 * 1024


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The file of ``attachment`` for a caller who may see it: never cached, never sniffed by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
