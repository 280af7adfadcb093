"""Online ballots: open, vote, declare a conflict, close. Every step checks the state it starts from."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from committees.models import (
    Ballot,
    BallotItem,
    Choice,
    Committee,
    ConflictFlag,
    Membership,
    Participation,
    SecretVote,
    Vote,
)
from committees.rules import Rules, Tally, basis_of, explain
from committees.secrecy import BallotKeys, Unreadable, new_salt, unseal_any
from committees.services.conflicts import CONFLICT_FLAG, conflicts_refresh
from committees.services.members import lock_committee
from committees.services.news import ballot_closed_tell, ballot_opened_tell
from committees.signals import decision_tell
from committees.voters import active_voting_members, ballot_keys, counting_day, same_voter
from quartier.audit import acting_as
from quartier.models import User
from quartier.transitions import Move, StateMachine

logger = logging.getLogger(__name__)

#: A ballot's steps: opened for voting, closed with its results.
BALLOT = StateMachine(
    model=Ballot,
    moves={
        "open": Move(
            sources=frozenset({Ballot.Status.DRAFT}),
            target=Ballot.Status.OPEN,
            label=pgettext_lazy("step", "open the ballot"),
            done=pgettext_lazy("done", "ballot opened"),
            refusal=gettext_lazy("Only a draft ballot can be opened."),
            audit="ballot_open",
        ),
        "close": Move(
            sources=frozenset({Ballot.Status.OPEN}),
            target=Ballot.Status.CLOSED,
            label=pgettext_lazy("step", "close the ballot"),
            done=pgettext_lazy("done", "ballot closed"),
            refusal=gettext_lazy("Only an open ballot can be closed."),
            audit="ballot_close",
        ),
    },
    lock_related=("committee",),
)


def seat_of(item: BallotItem, membership: Membership) -> Membership:
    """The membership under which ``membership``'s person takes part in ``item``: the one of their terms that
    already took part in it (a ballot that runs across a renewal), else ``membership``. Voting, recusing and
    closing act on it, so a person never takes part twice in one item, whichever term they act in."""
    taken = (
        Participation.objects.filter(same_voter(membership), item=item)
        .select_related("membership__person")
        .order_by("pk")
        .first()
    )
    return taken.membership if taken is not None else membership


def voter_tag_of(ballot: Ballot, membership: Membership, item: BallotItem) -> str:
    """The tag under which ``membership``'s secret vote on ``item`` is stored now (``SECRET_KEY``)."""
    return ballot_keys(ballot)[0].tag(membership.pk, item.pk)


def voter_tags_of(keys: list[BallotKeys], membership: Membership, item: BallotItem) -> list[str]:
    """The tags under which the vote may be stored: the current one first, then those of the fallback keys."""
    return [key.tag(membership.pk, item.pk) for key in keys]


def _unreadable(ballot: Ballot) -> ValidationError:
    logger.error(
        "Secret votes of ballot %s cannot be unsealed: SECRET_KEY changed while it was open (put the old key "
        "into SECRET_KEY_FALLBACKS), or a vote was altered",
        ballot.pk,
    )
    return ValidationError(
        _(
            "Some secret votes of this ballot cannot be read: the server's SECRET_KEY changed while it was open "
            "(put the previous key into SECRET_KEY_FALLBACKS, then close it again), or a vote was altered in the "
            "database."
        ),
        code="unreadable",
    )


def _locked_open_ballot(ballot_id: int, now: datetime.datetime) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot_id)
    if ballot.status != Ballot.Status.OPEN:
        raise ValidationError(_("This ballot is not open."), code="not_open")
    if now >= ballot.deadline:
        raise ValidationError(_("The deadline of this ballot has passed."), code="deadline_passed")
    return ballot


def _check_voter(ballot: Ballot, membership: Membership, by: User, now: datetime.datetime) -> None:
    if membership.committee_id != ballot.committee_id or membership.user_id != by.pk:
        raise PermissionDenied(_("You are not a member of this committee."))
    if not membership.voting:
        raise PermissionDenied(_("Advisory members do not vote."))
    today = timezone.localdate(now)
    if (membership.start and membership.start > today) or (membership.end and membership.end < today):
        raise PermissionDenied(_("Your term in this committee is not running."))


BALLOT_FIELDS = ("title", "deadline", "secret")
ITEM_FIELDS = ("title", "description")


def _check_deadline(ballot: Ballot, now: datetime.datetime) -> None:
    if ballot.deadline is not None and ballot.deadline <= now:
        raise ValidationError({"deadline": _("The deadline must lie in the future.")})


@transaction.atomic
def ballot_create(
    *, committee: Committee, data: dict[str, object], by: User, now: datetime.datetime | None = None
) -> Ballot:
    """A draft ballot of ``committee``; items are added before it is opened."""
    ballot = Ballot(committee=committee, **{name: data[name] for name in BALLOT_FIELDS if name in data})
    ballot.full_clean()
    _check_deadline(ballot, now or timezone.now())
    with acting_as(by):
        ballot.save()
    return ballot


def _locked_draft(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
    if ballot.status != Ballot.Status.DRAFT:
        raise ValidationError(_("An opened ballot can no longer be changed."), code="not_draft")
    return ballot


@transaction.atomic
def ballot_update(*, ballot: Ballot, data: dict[str, object], by: User, now: datetime.datetime | None = None) -> Ballot:
    ballot = _locked_draft(ballot.pk)
    for name in BALLOT_FIELDS:
        if name in data:
            setattr(ballot, name, data[name])
    ballot.full_clean()
    now = now or timezone.now()
    _check_deadline(ballot, now)
    with acting_as(by):
        ballot.save()
    conflicts_refresh(ballots=[ballot.pk], today=timezone.localdate(now))  # the deadline sets who may vote
    return ballot


@transaction.atomic
def ballot_item_add(*, ballot: Ballot, data: dict[str, object], by: User) -> BallotItem:
    ballot = _locked_draft(ballot.pk)
    last = max(ballot.items.values_list("position", flat=True), default=0)
    item = BallotItem(ballot=ballot, position=last + 1, **{name: data[name] for name in ITEM_FIELDS if name in data})
    item.full_clean()
    with acting_as(by):
        item.save()
    return item


@transaction.atomic
def ballot_item_delete(*, item: BallotItem, by: User) -> None:
    ballot = _locked_draft(item.ballot_id)
    with acting_as(by):
        item.delete()
        for position, later in enumerate(ballot.items.order_by("position"), start=1):
            if later.position != position:
                later.position = position
                later.save(update_fields=["position", "modified_at"])


@transaction.atomic
def ballot_open(*, ballot: Ballot, by: User, now: datetime.datetime | None = None) -> Ballot:
    """Open a drafted ballot for voting; flag possible conflicts of interest."""
    now = now or timezone.now()
    lock_committee(ballot.committee_id)  # the lock a voting account's binding takes: none changes as this opens
    ballot = BALLOT.lock(ballot)
    BALLOT.check(ballot, "open")
    if ballot.deadline <= now:
        raise ValidationError(_("The deadline must lie in the future."), code="deadline_past")
    items = list(ballot.items.all())
    if not items:
        raise ValidationError(_("A ballot needs at least one item."), code="no_items")
    salt = new_salt() if ballot.secret else ballot.secret_salt
    BALLOT.apply(ballot, "open", by=by, now=now, opened_at=now, secret_salt=salt)
    conflicts_refresh(ballots=[ballot.pk], today=timezone.localdate(now))
    ballot_opened_tell(ballot, now)
    return ballot


@transaction.atomic
def vote_cast(
    *, item: BallotItem, membership: Membership, choice: str, by: User, now: datetime.datetime | None = None
) -> None:
    """Cast or change ``membership``'s vote on ``item``. The ballot row is locked, so two submissions of
    the same vote at once store one, and closing cannot interleave."""
    now = now or timezone.now()
    if choice not in Choice.values:
        raise ValidationError(_("Choose yes, no or abstain."), code="invalid_choice")
    ballot = _locked_open_ballot(item.ballot_id, now)
    _check_voter(ballot, membership, by, now)
    seat = seat_of(item, membership)  # a vote cast in an earlier term is the one this changes
    participation = Participation.objects.filter(item=item, membership=seat).first()
    if participation and participation.kind == Participation.Kind.RECUSED:
        raise ValidationError(_("You declared a conflict of interest for this item."), code="recused")
    if ConflictFlag.objects.filter(same_voter(membership), item=item, status=ConflictFlag.Status.FLAGGED).exists():
        raise ValidationError(
            _("First confirm or dismiss the possible conflict of interest for this item."), code="conflict_open"
        )
    if ballot.secret:
        _seal_vote(ballot, item, seat, choice, voted_before=participation is not None)
    else:
        Vote.objects.update_or_create(item=item, membership=seat, defaults={"choice": choice})
    if participation is None:
        Participation.objects.create(item=item, membership=seat, kind=Participation.Kind.VOTED)


def sealed_vote(ballot: Ballot, item: BallotItem, membership: Membership, choice: str) -> SecretVote:
    """An unsaved secret vote of ``membership`` on ``item`` of an open secret ballot, tagged and sealed as
    ``vote_cast`` stores it (for the demo's bulk seeding; everything else votes through ``vote_cast``)."""
    key = ballot_keys(ballot)[0]
    tag = key.tag(membership.pk, item.pk)
    return SecretVote(item=item, voter_tag=tag, sealed=key.seal(choice, item_id=item.pk, tag=tag))


def _seal_vote(ballot: Ballot, item: BallotItem, membership: Membership, choice: str, *, voted_before: bool) -> None:
    """Store the member's secret vote sealed, under the current key; a change of mind finds the row through the
    tag under any key and rewrites it (under the ballot's lock, so there is never a second row)."""
    keys = ballot_keys(ballot)
    tags = voter_tags_of(keys, membership, item)
    row = SecretVote.objects.filter(item=item, voter_tag__in=tags).first()
    if row is None and voted_before:
        # The vote is there but no key finds it: a second row would count the member twice.
        logger.error("A secret vote on item %s cannot be found: SECRET_KEY changed without a fallback", item.pk)
        raise ValidationError(
            _("Your earlier vote on this item can no longer be found, so it cannot be changed. Tell the office."),
            code="vote_not_found",
        )
    sealed = keys[0].seal(choice, item_id=item.pk, tag=tags[0])
    if row is None:
        SecretVote.objects.create(item=item, voter_tag=tags[0], sealed=sealed)
    else:
        row.voter_tag, row.sealed = tags[0], sealed
        row.save(update_fields=["voter_tag", "sealed"])


@transaction.atomic
def conflict_declare(
    *, item: BallotItem, membership: Membership, by: User, now: datetime.datetime | None = None
) -> None:
    """The member declares (or confirms a flagged) conflict of interest: excluded from the item, any vote withdrawn."""
    now = now or timezone.now()
    ballot = _locked_open_ballot(item.ballot_id, now)
    _check_voter(ballot, membership, by, now)  # only who may vote is recused: a recusal leaves the pool
    seat = seat_of(item, membership)
    _recuse(ballot, item, seat)
    flag = ConflictFlag.objects.select_for_update().filter(item=item, membership=seat).first()
    if flag is None:
        ConflictFlag.objects.create(
            item=item, membership=seat, status=ConflictFlag.Status.CONFIRMED, reason=_("Declared by the member.")
        )
    elif CONFLICT_FLAG.can(flag, "confirm"):  # a flagged conflict keeps the reasons it was flagged for
        CONFLICT_FLAG.apply(flag, "confirm", by=by, now=now)
    # The same person's unanswered flags in their other terms are answered with it.
    CONFLICT_FLAG.update(
        ConflictFlag.objects.filter(same_voter(membership), item=item, status=ConflictFlag.Status.FLAGGED), "confirm"
    )


def _recuse(ballot: Ballot, item: BallotItem, membership: Membership) -> None:
    """Take ``membership`` out of ``item``: any vote withdrawn, the participation a recusal."""
    if ballot.secret:
        tags = voter_tags_of(ballot_keys(ballot), membership, item)
        SecretVote.objects.filter(item=item, voter_tag__in=tags).delete()
    else:
        Vote.objects.filter(item=item, membership=membership).delete()
    Participation.objects.update_or_create(
        item=item, membership=membership, defaults={"kind": Participation.Kind.RECUSED}
    )


@transaction.atomic
def conflict_dismiss(
    *, item: BallotItem, membership: Membership, by: User, now: datetime.datetime | None = None
) -> None:
    """The member dismisses a flagged conflict and may then vote on the item."""
    now = now or timezone.now()
    ballot = _locked_open_ballot(item.ballot_id, now)
    _check_voter(ballot, membership, by, now)
    # The same person's unanswered flags in each of their terms.
    updated = CONFLICT_FLAG.update(ConflictFlag.objects.filter(same_voter(membership), item=item), "dismiss")
    if not updated:
        raise ValidationError(_("There is no open conflict flag for this item."), code="no_flag")


def tally_item(item: BallotItem, *, eligible: int, secret: bool, persons: set[int] | None = None) -> Tally:
    """Count the stored votes of one item. A recusal takes one from the pool of the ``eligible`` voting members
    only when it is one of theirs (``persons``: their person ids; None: every recusal), not when the member's
    term had ended by the close."""
    source = SecretVote.objects.filter(item=item) if secret else Vote.objects.filter(item=item)
    counts = dict(source.values_list("choice").annotate(n=Count("pk")).values_list("choice", "n"))
    recusals = Participation.objects.filter(item=item, kind=Participation.Kind.RECUSED)
    if persons is not None:
        recusals = recusals.filter(membership__person_id__in=persons)
    recused = recusals.count()
    return Tally.online(
        yes=counts.get(Choice.YES, 0),
        no=counts.get(Choice.NO, 0),
        abstain=counts.get(Choice.ABSTAIN, 0),
        recused=recused,
        eligible=eligible,
    )


def everyone_has_voted(ballot: Ballot, on: datetime.date) -> bool:
    """Has every voting member taken part in every item (in any of their terms, see ``seat_of``)?"""
    members = {member.person_id for member in active_voting_members(ballot, on)}
    items = list(ballot.items.values_list("pk", flat=True))
    done = set(Participation.objects.filter(item__ballot=ballot).values_list("item_id", "membership__person_id"))
    return all((item, member) in done for item in items for member in members)


@transaction.atomic
def ballot_close(*, ballot: Ballot, by: User | None, now: datetime.datetime | None = None) -> Ballot:
    """Close an open ballot at its deadline (or earlier, once every voting member has taken part and every
    conflict flag is answered), compute each item's result from the stored votes and make it final.

    A conflict flag still unanswered at the close counts as a recusal: the member's vote, if they voted
    before the flag appeared, is withdrawn, and they are out of the pool."""
    now = now or timezone.now()
    ballot = BALLOT.lock(ballot)
    BALLOT.check(ballot, "close")
    on = counting_day(ballot, now)
    voters = active_voting_members(ballot, on)
    persons = {member.person_id for member in voters}
    if now < ballot.deadline and not everyone_has_voted(ballot, on):
        raise ValidationError(
            _("Before the deadline a ballot can only be closed once every voting member has voted."),
            code="not_everyone",
        )
    unanswered = list(
        ConflictFlag.objects.filter(item__ballot=ballot, status=ConflictFlag.Status.FLAGGED).select_related(
            "item", "membership"
        )
    )
    # Only a voting member can still answer; a flag of a member whose term has ended is a recusal at the close.
    if any(flag.membership.person_id in persons for flag in unanswered) and now < ballot.deadline:
        raise ValidationError(
            _(
                "A possible conflict of interest is still unanswered; before the deadline the ballot can only be "
                "closed once every one is answered."
            ),
            code="conflict_open",
        )
    for flag in unanswered:  # not dismissed before the close: a recusal, the vote (if any) not counted
        if flag.item is not None:  # always: the flags of the ballot's items
            _recuse(ballot, flag.item, seat_of(flag.item, flag.membership))
    eligible = len(voters)
    keys = ballot_keys(ballot) if ballot.secret else []
    rules = Rules.of(ballot.committee)
    for item in ballot.items.all():
        if ballot.secret:
            _unseal_without_tags(ballot, item, keys)
        tally = tally_item(item, eligible=eligible, secret=ballot.secret, persons=persons)
        item.yes, item.no, item.abstain, item.recusals = tally.yes, tally.no, tally.abstain, tally.recused
        item.result = explain(rules, tally).result
        item.basis = basis_of(rules, tally)
        item.save(update_fields=["yes", "no", "abstain", "recusals", "result", "basis", "modified_at"])
        _hand_over(item, by)
    # Without the salt the keys cannot be derived again; no password.
    ballot = BALLOT.apply(ballot, "close", by=by, now=now, closed_at=now, secret_salt="")  # nosec B106
    ballot_closed_tell(ballot, voters)
    return ballot


def _unseal_without_tags(ballot: Ballot, item: BallotItem, keys: list[BallotKeys]) -> None:
    """Unseal the item's secret votes and write them anew as plain choices, ordered by choice and without tags:
    nothing left to match. Refuses (and changes nothing) when a vote cannot be unsealed."""
    choices = []
    for choice, tag, sealed in SecretVote.objects.filter(item=item).values_list("choice", "voter_tag", "sealed"):
        if sealed:
            if tag is None:  # a sealed vote always has its tag (a check constraint): without it, it cannot be read
                raise _unreadable(ballot)
            try:
                choice = unseal_any(keys, sealed, item_id=item.pk, tag=tag)
            except Unreadable:
                raise _unreadable(ballot) from None
        if choice not in Choice.values:
            raise _unreadable(ballot)
        choices.append(choice)
    SecretVote.objects.filter(item=item).delete()
    SecretVote.objects.bulk_create([SecretVote(item=item, choice=choice) for choice in sorted(choices)])


def _hand_over(item: BallotItem, by: User | None) -> None:
    """Tell the app of the object the item is about of the decision (fund applications will take it)."""
    decision_tell(subject=item.subject, result=item.result, source=item, by=by)
