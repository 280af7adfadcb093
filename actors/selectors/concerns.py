"""Reads of residents' concerns: the filtered list, the board by status and one concern with its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.functional import Promise

from actors.models import Concern, ConcernStatusChange
from quartier.models import Quartier

#: How many cards one column of the board shows; the count says how many there are.
BOARD_CARDS = 50


@dataclass
class BoardColumn:
    status: str
    label: str | Promise
    count: int = 0
    cards: list[Concern] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def concerns_for(area: Quartier) -> QuerySet[Concern]:
    """The area's concerns (``actors.filters.ConcernFilterSet`` narrows them), newest first, with what the board
    and the export show."""
    queryset = Concern.objects.filter(area=area)
    return queryset.select_related("field_of_action", "raised_by_organisation", "raised_by_person").order_by(
        "-raised_on", "-pk"
    )


def concern_board(matching: QuerySet[Concern], *, per_column: int = BOARD_CARDS) -> list[BoardColumn]:
    """The concerns ``matching`` (of ``concerns_for``) in one column per status (in the order of
    ``Concern.Status``) with its count and newest cards. Two queries."""
    columns = {status: BoardColumn(status=status, label=label) for status, label in Concern.Status.choices}
    for row in matching.order_by().values("status").annotate(number=Count("pk")):
        columns[row["status"]].count = row["number"]
    ranked = (
        matching.select_related(None)
        .select_related("field_of_action")
        .annotate(rank=Window(RowNumber(), partition_by=F("status"), order_by=[F("raised_on").desc(), F("pk").desc()]))
    )
    for concern in ranked.filter(rank__lte=per_column):
        columns[concern.status].cards.append(concern)
    return list(columns.values())


def concern_detail(area: Quartier, pk: int) -> Concern | None:
    """One concern of ``area`` with its history (who, when); ``None`` if it is not in this area."""
    return (
        Concern.objects.filter(area=area, pk=pk)
        .select_related("field_of_action", "raised_by_organisation", "raised_by_person")
        .prefetch_related(
            Prefetch("status_changes", queryset=ConcernStatusChange.objects.select_related("by").order_by("at", "pk"))
        )
        .first()
    )
