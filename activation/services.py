"""Writes of the activation work: events, their counts and photos, and series of events.

Every rule is here, whichever path a write takes (the office's forms, the admin, the demo): an event's or a
series' organisers, ISEK measures and fund applications are the area's own, its end lies after its start,
participants are counted only once it has begun (at most ``COUNT_MAX``) and their parts never add up to more than
the total, a photo is a real JPEG, PNG or WebP image of at most ``PHOTO_MAX_BYTES`` and is kept without what its
camera noted (the place it was taken, above all), a series reaches at most ``SERIES_MAX_DAYS`` ahead and spans at
most as many days, and a title or place is one line.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Mapping
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from activation.models import AGE_BANDS, Event, Frequency, Photo, Series, TargetGroupCount
from actors.models import Organisation, Person, TargetGroup
from actors.services.persons import refuse_erased
from fonds.models import Application
from fonds.uploads import EXTENSION, IMAGE_TYPES, TYPES, clean_name, human_size, sniff
from isek.models import Measure
from quartier.audit import acting_as
from quartier.models import Quartier, User
from quartier.text import one_line

#: The fields of an event the office writes in its form (the counts and the note have a form of their own).
EVENT_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "description", "public")
#: Its links: many-to-many fields, each checked to be of the event's area where it names the area's rows.
EVENT_LINKS = ("organisations", "persons", "fields_of_action", "target_groups", "measures", "applications")
#: What a series gives its events: its fields, and all its links (its organisers among them).
SERIES_FIELDS = ("title", "kind", "place", "description", "public")
SERIES_LINKS = EVENT_LINKS
SERIES_RULE = ("frequency", "first_day", "last_day", "start_time", "end_time")
#: What is one line wherever it is shown (a heading, a calendar entry, a cell of the download).
ONE_LINE_FIELDS = ("title", "place")

#: A series is made at most this far ahead (from today), and spans at most as many days from its first to its last:
#: its events are rows, each editable on its own.
SERIES_MAX_DAYS = 366
#: The most participants a count (the total, an age band, a target group) may name.
COUNT_MAX = 1_000_000
#: A photo is at most this large.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
#: Pillow's names of the accepted image types.
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: An image of more pixels than this is refused before it is decoded (a "decompression bomb").
_MAX_PIXELS = 60_000_000
#: How a photo is written again, without what its camera noted (JPEG and WebP are written lossy).
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {}}


def _foreign(field: str) -> ValidationError:
    return ValidationError({field: _("This belongs to another area.")}, code="foreign")


def check_links(area: Quartier, data: Mapping[str, Any]) -> None:
    """Refuse organisers, ISEK measures and fund applications of another area, and persons whose data was
    erased. Read from the database by their ids: what a form or the admin hands in is not trusted."""
    checks: tuple[tuple[str, Any, str], ...] = (
        ("organisations", Organisation.objects, "area_id"),
        ("persons", Person.objects, "area_id"),
        ("measures", Measure.objects, "version__area_id"),
        ("applications", Application.objects, "area_id"),
    )
    for field, manager, area_field in checks:
        ids = {getattr(row, "pk", row) for row in data.get(field) or ()}
        if not ids:
            continue
        found = set(manager.filter(pk__in=ids, **{area_field: area.pk}).values_list("pk", flat=True))
        if found != ids:
            raise _foreign(field)
    persons = [getattr(person, "pk", person) for person in data.get("persons") or ()]
    refuse_erased(*Person.objects.filter(pk__in=persons), field="persons")


def _check_times(starts_at: datetime.datetime | None, ends_at: datetime.datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")}, code="end_before_start")


def _fields(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The values of ``names`` in ``data``; a title or place as one line, whatever path sent a line break."""
    return {
        name: one_line(data[name] or "") if name in ONE_LINE_FIELDS else data[name] for name in names if name in data
    }


def _set_links(event: Event | Series, data: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in data:
            getattr(event, name).set(data[name] or [])


@transaction.atomic
def event_create(*, area: Quartier, data: Mapping[str, Any], by: User | None) -> Event:
    """A new event of ``area`` from cleaned form data (its links included)."""
    check_links(area, data)
    event = Event(area=area, **_fields(data, EVENT_FIELDS))
    _check_times(event.starts_at, event.ends_at)
    event.full_clean()
    with acting_as(by):
        event.save()
        _set_links(event, data, EVENT_LINKS)
    return event


@transaction.atomic
def event_update(*, event: Event, data: Mapping[str, Any], by: User | None) -> Event:
    """Change an event; ``data`` holds the changed, cleaned form values. An event of a series is from then on its
    own: a later change of the series' time leaves it as it is.

    Only ``data`` is written, on the event as stored now (read and locked here): a change of its series made while
    the form was sent is kept, and an event deleted meanwhile is not made again."""
    check_links(event.area, data)
    stored = Event.objects.select_for_update().filter(pk=event.pk).first()
    if stored is None:
        raise ValidationError(_("This event was deleted meanwhile."), code="gone")
    event = stored
    for field, value in _fields(data, EVENT_FIELDS).items():
        setattr(event, field, value)
    _check_times(event.starts_at, event.ends_at)
    if event.series_id is not None:
        event.detached = True
    event.full_clean()
    with acting_as(by):
        event.save()
        _set_links(event, data, EVENT_LINKS)
    return event


def _delete_file(photo: Photo) -> None:
    """Remove the file of ``photo`` once its deletion is committed: a deletion rolled back keeps its file."""
    storage, name = photo.file.storage, photo.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _delete_event(event: Event) -> None:
    for photo in event.photos.all():
        _delete_file(photo)
    event.delete()


@transaction.atomic
def event_delete(*, event: Event, by: User | None) -> None:
    """Delete ``event`` with its counts and photos (their files once the deletion is committed). An event of a
    series is that one date: the series and its other events stay."""
    with acting_as(by):
        _delete_event(event)


def _count(value: object, label: str) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= COUNT_MAX:
        raise ValidationError(
            _("%(what)s: please enter a whole number from 0 to %(max)s.")
            % {"what": label, "max": f"{COUNT_MAX:,}".replace(",", ".")},
            code="count",
        )
    return value


@transaction.atomic
def event_record_counts(
    *,
    event: Event,
    participants: int | None,
    ages: Mapping[str, int | None],
    groups: Mapping[TargetGroup, int | None],
    note: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Event:
    """Record how many took part in ``event`` (``participants``; ``ages`` by age band, ``groups`` by target group,
    both optional) and the note afterwards. Refused before the event has begun, and where the parts of a kind add
    up to more than the total."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at > now:
        raise ValidationError(
            _("Participants and the note can be recorded once the event has begun."), code="not_begun"
        )
    total = _count(participants, _("Participants"))
    bands = {name: _count(ages.get(name), str(label)) for name, label in AGE_BANDS}
    counted: dict[TargetGroup, int] = {}
    for group, raw in groups.items():
        value = _count(raw, group.name)
        if value is not None:
            counted[group] = value
    if total is None and (any(value is not None for value in bands.values()) or counted):
        raise ValidationError(
            {"participants": _("Please give the total number of participants first.")}, code="no_total"
        )
    if total is not None:
        by_age = sum(value for value in bands.values() if value is not None)
        if by_age > total:
            raise ValidationError(
                _("The age bands add up to %(parts)d, more than the %(total)d participants in total.")
                % {"parts": by_age, "total": total},
                code="parts_above_total",
            )
        by_group = sum(counted.values())
        if by_group > total:
            raise ValidationError(
                _("The target groups add up to %(parts)d, more than the %(total)d participants in total.")
                % {"parts": by_group, "total": total},
                code="parts_above_total",
            )
    event.participants = total
    for name, value in bands.items():
        setattr(event, name, value)
    event.note = note or ""
    event.full_clean()
    with acting_as(by):
        event.save()
        kept = {row.target_group_id: row for row in event.group_counts.all()}
        for group, value in counted.items():
            row = kept.pop(group.pk, None)
            if row is None:
                TargetGroupCount.objects.create(event=event, target_group=group, count=value)
            elif row.count != value:
                row.count = value
                row.save()
        for row in kept.values():
            row.delete()
    return event


# --- Photos --------------------------------------------------------------------------------------------------------


def _name_of_type(name: str, content_type: str) -> str:
    """``name`` ending in an extension of ``content_type``: a PNG sent as "fest.jpg" or "seite.html" is kept as
    "fest.png" or "seite.png", so nobody opens it later as another kind of file."""
    extensions = TYPES[content_type][1]
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in extensions:
        return name
    if dot and EXTENSION.fullmatch(ext.lower()):
        name = stem
    return clean_name(f"{name}.{extensions[0]}")


def check_photo(upload: UploadedFile) -> tuple[str, str, bytes]:
    """The name (its extension that of its type), the content type and the image of ``upload`` written again,
    if it is a real JPEG, PNG or WebP image of at most ``PHOTO_MAX_BYTES``; else a ``ValidationError`` that says
    what is wrong, in German.

    The image is written again from its pixels, turned upright as its camera noted: what else the file held goes,
    the place it was taken (EXIF's GPS), the camera's and the program's notes, comments, and whatever hides behind
    the image (a "polyglot" that is a web page too). The office needs none of it, and a photo may be public."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo “%(name)s” is %(size)s large; at most %(max)s are possible. Please upload a smaller one.")
            % {"name": name, "size": human_size(size), "max": human_size(PHOTO_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    not_a_photo = ValidationError(
        _("“%(name)s” is not a photo. Please upload a JPEG, PNG or WebP image.") % {"name": name}, code="wrong_type"
    )
    if content_type not in IMAGE_TYPES:
        raise not_a_photo
    content = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > _MAX_PIXELS:
                raise not_a_photo
            found = image.format or ""
            image.verify()
        if _PIL_FORMATS.get(found) != content_type:
            raise not_a_photo
        with Image.open(io.BytesIO(content)) as image:
            upright = ImageOps.exif_transpose(image)
            kept = {key: upright.info[key] for key in ("icc_profile", "transparency") if key in upright.info}
            upright.info = {}
            written = io.BytesIO()
            upright.save(written, format=found, **kept, **_SAVE_OPTIONS[found])
    except ValidationError:
        raise
    except Exception as error:  # a file Pillow cannot read to its end, however it fails, is no photo
        raise not_a_photo from error
    return _name_of_type(name, content_type), content_type, written.getvalue()


@transaction.atomic
def photo_add(
    *, event: Event, upload: UploadedFile, caption: str, consent: bool, consent_how: str, by: User | None
) -> Photo:
    """Keep a photo of ``event`` (written again without what its camera noted, see ``check_photo``) with the consent
    of the people shown as the office recorded it; nothing is kept when the file is refused."""
    name, content_type, content = check_photo(upload)
    if consent and not consent_how.strip():
        raise ValidationError({"consent_how": _("Please say how the consent was given.")}, code="consent_how")
    photo = Photo(
        event=event,
        name=name,
        content_type=content_type,
        size=len(content),
        caption=caption,
        consent=consent,
        consent_how=consent_how.strip() if consent else "",
    )
    with acting_as(by):
        photo.file.save(name, ContentFile(content), save=False)
        try:
            photo.save()
        except Exception:
            photo.file.delete(save=False)
            raise
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, by: User | None) -> None:
    with acting_as(by):
        _delete_file(photo)
        photo.delete()


@transaction.atomic
def photo_consent_withdraw(*, photo: Photo, by: User | None) -> Photo:
    """Record that the consent of the people shown on ``photo`` is withdrawn: from then on it is never public (the
    public calendar and its photo address show only photos with consent). How it was given is no longer kept;
    the audit log records the change and who made it."""
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if not photo.consent and not photo.consent_how:
        return photo
    photo.consent = False
    photo.consent_how = ""
    with acting_as(by):
        photo.save(update_fields=["consent", "consent_how"])
    return photo


# --- Series --------------------------------------------------------------------------------------------------------


def series_days(frequency: str, first_day: datetime.date, last_day: datetime.date) -> list[datetime.date]:
    """The days a series of ``frequency`` falls on from ``first_day`` to ``last_day`` (dateutil's rrule: a monthly
    series on the 31st skips the months without one)."""
    interval = 2 if frequency == Frequency.FORTNIGHTLY else 1
    freq = MONTHLY if frequency == Frequency.MONTHLY else WEEKLY
    start = datetime.datetime.combine(first_day, datetime.time.min)
    end = datetime.datetime.combine(last_day, datetime.time.min)
    return [moment.date() for moment in rrule(freq, interval=interval, dtstart=start, until=end)]


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _times(day: datetime.date, start: datetime.time, end: datetime.time) -> tuple[datetime.datetime, datetime.datetime]:
    """When an event of a series on ``day`` starts and ends. In the night the clocks go forward an hour does not
    exist: a time in it is read as the hour after, and where the end would then not lie after the start, the event
    keeps its length from the start. (Compared in UTC: two times of one zone compare by their clock.)"""
    starts_at = _moment(day, start).astimezone(datetime.UTC)
    ends_at = _moment(day, end).astimezone(datetime.UTC)
    if ends_at <= starts_at:
        ends_at = starts_at + (datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start))
    return starts_at, ends_at


def _check_series(series: Series, today: datetime.date) -> None:
    if series.last_day < series.first_day:
        raise ValidationError({"last_day": _("The last day cannot be before the first day.")}, code="last_before_first")
    longest = series.first_day + datetime.timedelta(days=SERIES_MAX_DAYS)
    if series.last_day > longest:
        raise ValidationError(
            {
                "last_day": _(
                    "A series spans at most one year: from its first day until %(bound)s at the latest. Make the "
                    "next part as a new series."
                )
                % {"bound": longest.strftime("%d.%m.%Y")}
            },
            code="too_long",
        )
    if series.end_time <= series.start_time:
        raise ValidationError({"end_time": _("The end must be after the start.")}, code="end_before_start")
    bound = today + datetime.timedelta(days=SERIES_MAX_DAYS)
    if series.last_day > bound:
        raise ValidationError(
            {
                "last_day": _(
                    "A series can be made up to one year ahead, until %(bound)s at the latest. Make the next part "
                    "later as a new series."
                )
                % {"bound": bound.strftime("%d.%m.%Y")}
            },
            code="too_far",
        )
    if not series_days(series.frequency, series.first_day, series.last_day):
        raise ValidationError({"last_day": _("No day of the series lies in this period.")}, code="empty")


def _series_event(series: Series, day: datetime.date) -> Event:
    starts_at, ends_at = _times(day, series.start_time, series.end_time)
    return Event(
        area=series.area,
        series=series,
        starts_at=starts_at,
        ends_at=ends_at,
        **{field: getattr(series, field) for field in SERIES_FIELDS},
    )


def _link_events(series: Series, events: Iterable[Event]) -> None:
    """Give ``events`` the links of ``series``: its organisers, fields of action, target groups, ISEK measures and
    fund applications (each read once)."""
    events = list(events)
    links = {name: list(getattr(series, name).all()) for name in SERIES_LINKS}
    for event in events:
        for name, rows in links.items():
            getattr(event, name).set(rows)


@transaction.atomic
def series_create(
    *, area: Quartier, data: Mapping[str, Any], by: User | None, today: datetime.date | None = None
) -> Series:
    """A series of ``area`` and its events, one per day of its rule from its first to its last day (at most a year
    ahead), each with the series' organisers and links (of the area, as an event's)."""
    today = today or timezone.localdate()
    check_links(area, data)
    series = Series(area=area, **_fields(data, (*SERIES_FIELDS, *SERIES_RULE)))
    _check_series(series, today)
    series.full_clean()
    with acting_as(by):
        series.save()
        _set_links(series, data, SERIES_LINKS)
        days = series_days(series.frequency, series.first_day, series.last_day)
        events = [_series_event(series, day) for day in days]
        for event in events:
            event.full_clean(exclude=["series"])
            event.save()
        _link_events(series, events)
    return series


@transaction.atomic
def series_update(
    *, series: Series, data: Mapping[str, Any], by: User | None, now: datetime.datetime | None = None
) -> Series:
    """Change a series. Its coming events that were not changed on their own follow: their title, kind, place,
    description, publicity, time, organisers, fields of action, target groups, ISEK measures and fund applications
    become the series'; a coming day the rule no longer has loses its event, and a day new to the rule gets one.
    Events that have begun and those changed on their own stay as they are, and a day of the rule whose event was
    moved or deleted on its own stays without one (it is not made again by a change of the series' title). The
    coming events are locked, so that an event changed on its own meanwhile is seen as such."""
    now = now or timezone.now()
    check_links(series.area, data)
    series = Series.objects.select_for_update().get(pk=series.pk)
    before = set(series_days(series.frequency, series.first_day, series.last_day))
    for field, value in _fields(data, (*SERIES_FIELDS, *SERIES_RULE)).items():
        setattr(series, field, value)
    _check_series(series, timezone.localdate(now))
    series.full_clean()
    with acting_as(by):
        series.save()
        _set_links(series, data, SERIES_LINKS)
        coming = list(series.events.filter(starts_at__gt=now).select_for_update().order_by("starts_at", "pk"))
        days = set(series_days(series.frequency, series.first_day, series.last_day))
        taken = {timezone.localdate(event.starts_at) for event in coming if event.detached}
        taken |= {timezone.localdate(event.starts_at) for event in series.events.filter(starts_at__lte=now)}
        followers = [event for event in coming if not event.detached]
        changed: list[Event] = []
        for event in followers:
            day = timezone.localdate(event.starts_at)
            if day not in days or day in taken:
                _delete_event(event)
                continue
            taken.add(day)
            for field in SERIES_FIELDS:
                setattr(event, field, getattr(series, field))
            event.starts_at, event.ends_at = _times(day, series.start_time, series.end_time)
            event.full_clean(exclude=["series"])
            event.save()
            changed.append(event)
        for day in sorted(days - before - taken):
            event = _series_event(series, day)
            if event.starts_at <= now:
                continue
            event.full_clean(exclude=["series"])
            event.save()
            changed.append(event)
        _link_events(series, changed)
    return series


@transaction.atomic
def series_delete(*, series: Series, by: User | None, now: datetime.datetime | None = None) -> int:
    """Delete a series with its coming events; the events that have begun stay (with their counts), without the
    series. Returns how many events were deleted."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=series.pk)
    with acting_as(by):
        coming = list(series.events.filter(starts_at__gt=now))
        for event in coming:
            _delete_event(event)
        series.delete()
    return len(coming)
