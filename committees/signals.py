"""What committees tell other apps. Committees do not know what their agenda and ballot items are about; an
app whose objects are decided on connects a receiver for its model (``sender=``, never for every sender: that
would make every object take decisions, ``takes_decisions``) and acts on the decision."""

from __future__ import annotations

from django.dispatch import Signal

from committees.models import AgendaItem, BallotItem
from quartier.models import User

#: A committee decided on an item about an object (an online ballot closed, or a meeting's minutes recorded a
#: result). Sent with ``sender`` the object's class and the keywords ``subject`` (the object), ``result`` (a
#: ``committees.rules.Result``), ``source`` (the ``BallotItem`` or ``AgendaItem``) and ``by`` (the user, or None
#: for a ballot closed at its deadline). Sent synchronously inside the committee's transaction: a receiver that
#: raises undoes the whole decision.
decision_taken = Signal()


def takes_decisions(subject: object) -> bool:
    """Whether an app acts on decisions about ``subject`` (then a result it took over stays as it is)."""
    return subject is not None and decision_taken.has_listeners(type(subject))


def decision_tell(*, subject: object, result: str, source: AgendaItem | BallotItem, by: User | None) -> None:
    """Tell the app of ``subject`` that a committee decided on it (nothing happens without a receiver)."""
    if subject is not None:
        decision_taken.send(sender=type(subject), subject=subject, result=result, source=source, by=by)
