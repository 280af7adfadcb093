"""Which part of the area navigation a page belongs to, declared once for every area URL by its name.

``templates/area_base.html`` marks that part as the current page (``aria-current="page"``); the context processor
``quartier.context_processors.areas`` gives it to every template as ``nav_section``.
"""

from __future__ import annotations

# URL name prefix → navigation entry (templates/includes/area_nav.html); the first prefix that matches wins.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("dashboard", "dashboard"),
    ("organisation", "organisations"),
    ("actors_import", "organisations"),
    ("person", "persons"),
    ("network", "networks"),
    ("contact", "contacts"),
    ("concern", "concerns"),
    ("committee", "committees"),
    ("membership", "committees"),
    ("meeting", "committees"),
    ("agenda", "committees"),
    ("ballot", "committees"),
    ("fund", "funds"),
    ("round", "funds"),
    ("application", "funds"),
    ("attachment", "funds"),
    ("payment", "funds"),
    ("receipts", "funds"),
    ("repayment", "funds"),
    ("isek", "isek"),
    ("goal", "isek"),
    ("version", "isek"),
    ("measure", "isek"),
    ("milestone", "isek"),
    ("progress_note", "isek"),
    ("spending", "isek"),
    ("indicator", "isek"),
    ("report", "reports"),
    ("key_figures", "reports"),
    ("area_edit", "profile"),
    ("area_history", "history"),
    ("object_history", "history"),
)


def section_of(url_name: str | None) -> str | None:
    """The navigation entry of the page named ``url_name``, or None for a page outside the area navigation."""
    if not url_name:
        return None
    return next((section for prefix, section in SECTIONS if url_name.startswith(prefix)), None)
