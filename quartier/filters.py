"""The pieces every list's FilterSet (``*/filters.py``) is built from: a filter bar written without templates and
filters whose choices cost no query or one prepared query."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from quartier import dates
from quartier.audit import area_history_models
from quartier.forms import QuickFilterForm, ReferenceChoiceField
from quartier.models import FieldOfAction, Quartier
from quartier.reference import fields_of_action
from quartier.selectors import CompiledLists, history_actors

#: The label of a filter's empty choice.
ALL = _("all")


class ListFilterSet(django_filters.FilterSet):
    """The base of every list's filters: the form is a ``QuickFilterForm`` (each widget written without
    templates). A value that is not valid is left out: ``qs`` narrows by the valid ones only, and the form
    shows why (``quartier.lists.list_page``).

    The form class is built once per FilterSet class (``get_form_class``), not on every request: its fields must
    not depend on the request. What does (the area's choices of an ``AreaChoiceFilter``) is given to each form's
    own copies of the fields by ``bind_fields``."""

    class Meta:
        form = QuickFilterForm

    def __init__(self, data: Any, *, queryset: QuerySet[Any], area: Quartier | None = None) -> None:
        super().__init__(data, queryset=queryset)
        self.area_id = area.pk if area is not None else None
        if self.area_id is None and any(isinstance(filter_, AreaChoiceFilter) for filter_ in self.filters.values()):
            raise TypeError(f"{type(self).__name__} needs the area its choices are of")

    def get_form_class(self) -> type[forms.Form]:
        form_class = _form_classes.get(type(self))
        if form_class is None:
            form_class = _form_classes[type(self)] = super().get_form_class()
        return form_class

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            self.bind_fields(super().form.fields)
        return self._form

    def bind_fields(self, fields: dict[str, forms.Field]) -> None:
        """Give the form's fields (its own copies, made for this request) what depends on the request: the area's
        choices of each ``AreaChoiceFilter``."""
        for name, filter_ in self.filters.items():
            if isinstance(filter_, AreaChoiceFilter) and self.area_id is not None:
                fields[name].reference = filter_.choices_of(self.area_id)  # type: ignore[attr-defined]


#: The form class of each FilterSet class (``ListFilterSet.get_form_class``).
_form_classes: dict[type[ListFilterSet], type[forms.Form]] = {}


class _CopiedLightly:
    """A filter that a FilterSet copies for each request (django-filter deep-copies its filters) without copying
    what it only reads: a filter keeps nothing of a request but its ``model`` and ``parent`` (set on the copy) and
    its ``extra`` (copied), so the querysets in ``extra`` (they only name their model; copying one copies its whole
    query), its choices and its labels are shared. Its ``method`` is bound to the copy."""

    def __deepcopy__(self, memo: dict[int, object]) -> Any:
        clone = copy.copy(self)
        clone.extra = dict(self.extra)  # type: ignore[attr-defined]
        if clone.method is not None:  # type: ignore[attr-defined]
            clone.method = clone.method  # type: ignore[attr-defined]  # a FilterMethod of the copy
        return clone


class SearchFilter(_CopiedLightly, django_filters.CharFilter):
    """The search box (``q``) of a list: its ``method`` decides how the words are matched."""

    def __init__(self, *, method: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 200)
        super().__init__(method=method, **kwargs)


class ChoiceFilter(_CopiedLightly, django_filters.ChoiceFilter):
    """One of a fixed set of choices, "all" first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", ALL)
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)


class ReferenceFilter(_CopiedLightly, django_filters.Filter):
    """A field of action or a target group from the cached reference data (``quartier.reference``):
    neither showing nor using the filter asks the database. ``reference`` and ``queryset`` as for
    ``quartier.forms.ReferenceChoiceField``."""

    field_class = ReferenceChoiceField


def field_of_action_filter(**kwargs: Any) -> ReferenceFilter:
    """The filter by a field of action that many lists have: on the rows' ``fields_of_action`` unless
    ``field_name`` or ``method`` says otherwise."""
    if "method" not in kwargs:
        kwargs.setdefault("field_name", "fields_of_action")
    return ReferenceFilter(
        reference=fields_of_action, label=_("Field of action"), queryset=FieldOfAction.objects.all(), **kwargs
    )


class AreaChoiceFilter(ReferenceFilter):
    """A choice of the area's objects: ``choices(area_id)`` returns their queryset (``area_id`` compared with
    ``exact`` only, as ``CompiledLists`` needs), ``model`` names their model. The FilterSet is given the area
    (``ListFilterSet``). The choices are read when the filter bar is shown or the filter used, in one prepared
    query whose SQL Django compiles once per process: building a queryset's SQL cost more than running it."""

    def __init__(self, *, choices: Callable[[int], QuerySet[Any]], model: type[Model], **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", ALL)
        super().__init__(queryset=model.objects.none(), reference=_not_bound, **kwargs)
        self.reader = _reader(choices)

    def choices_of(self, area_id: int) -> Callable[[], list[Any]]:
        """The choices of the area ``area_id``, read once for the form that asks for them first."""
        reader = self.reader
        return functools.cache(lambda: reader.read(area=area_id)["choices"])


def _not_bound() -> list[Any]:
    raise TypeError("the FilterSet did not give the form its area's choices (ListFilterSet.bind_fields)")


@functools.cache
def _reader(choices: Callable[[int], QuerySet[Any]]) -> CompiledLists:
    """One compiler of the choices for every copy of the filter (a FilterSet copies its filters on each request)."""
    return CompiledLists(lambda area: {"choices": choices(area)}, ids=("area",))


class CheckboxFilter(_CopiedLightly, django_filters.Filter):
    """A checkbox; its ``method`` is called whether it is ticked (True) or not (False)."""

    field_class = forms.BooleanField


class DateFilter(_CopiedLightly, django_filters.Filter):
    """A day within the sane range (``quartier.dates.DateField``), with the browser's date picker."""

    field_class = dates.DateField


def _kinds() -> list[tuple[str, str]]:
    return [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name_plural))) for model in area_history_models()
    ]


class HistoryFilterSet(ListFilterSet):
    """The area's history by kind of object, by who made the change and by day (from, until), and by the name of
    the object. Only the area's entries are filtered (``quartier.selectors.area_changes``): a kind, a person or a
    day that is not offered is refused with a message (``quartier.lists.list_page``), never widened."""

    q = SearchFilter(method="search", label=_("Object"))
    kind = ChoiceFilter(label=_("Kind of object"), choices=_kinds, method="of_kind")
    actor = ChoiceFilter(label=_("Changed by"), choices=(), method="by_actor")
    date_from = DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("From"))
    date_to = DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("Until"))

    #: The choice of ``actor`` for changes nobody signed in made (the public form, the system's tasks).
    NOBODY = "system"

    def __init__(self, data: Any, *, queryset: QuerySet[Any], area: Quartier | None = None) -> None:
        super().__init__(data, queryset=queryset, area=area)
        if area is None:
            raise TypeError("HistoryFilterSet needs the area whose history it filters")

    def bind_fields(self, fields: dict[str, forms.Field]) -> None:
        super().bind_fields(fields)
        fields["actor"].choices = functools.partial(_actors, self.area_id)  # type: ignore[attr-defined]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(object_repr__icontains=value.strip()) if value.strip() else queryset

    def of_kind(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        model = apps.get_model(value)
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))

    def by_actor(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == self.NOBODY:
            return queryset.filter(actor__isnull=True)
        return queryset.filter(actor_id=int(value))


def _actors(area_id: int) -> list[tuple[str, str]]:
    """Everyone who changed something in the area, by name, and "System" for changes without a signed-in user. One
    query."""
    people = [(str(user.pk), user.get_display_name()) for user in history_actors(area_id)]
    return [*people, (HistoryFilterSet.NOBODY, str(_("System")))]
