"""The OParl 1.1 API's addresses (``/oparl/v1/``): the system, its bodies (one per area), and each body's lists
and objects. An id is the object's address, with the area's and the object's primary keys: it stays the same."""

from __future__ import annotations

from django.urls import include, path

from committees.oparl import views

body_patterns = [
    path("", views.body, name="oparl_body"),
    path("organization/", views.organizations, name="oparl_organizations"),
    path("organization/<int:committee_pk>/", views.organization, name="oparl_organization"),
    path("organization/<int:committee_pk>/meeting/", views.organization_meetings, name="oparl_organization_meetings"),
    path("person/", views.persons, name="oparl_persons"),
    path("person/<int:person_pk>/", views.person, name="oparl_person"),
    path("membership/", views.memberships, name="oparl_memberships"),
    path("membership/<int:membership_pk>/", views.membership, name="oparl_membership"),
    path("meeting/", views.meetings, name="oparl_meetings"),
    path("meeting/<int:meeting_pk>/", views.meeting, name="oparl_meeting"),
    path("location/", views.locations, name="oparl_locations"),
    path("location/<int:meeting_pk>/", views.location, name="oparl_location"),
    path("agendaItem/", views.agenda_items, name="oparl_agenda_items"),
    path("agendaItem/<int:agenda_item_pk>/", views.agenda_item, name="oparl_agenda_item"),
    path("paper/", views.papers, name="oparl_papers"),
    path("paper/<str:paper_key>/", views.paper, name="oparl_paper"),
    path("consultation/", views.consultations, name="oparl_consultations"),
    path("consultation/<str:consultation_key>/", views.consultation, name="oparl_consultation"),
    path("file/", views.files, name="oparl_files"),
    path("file/<str:file_key>/", views.file, name="oparl_file"),
    path("file/<str:file_key>/download/", views.file_download, name="oparl_file_download"),
    path("legislativeTerm/", views.legislative_terms, name="oparl_legislative_terms"),
    path("legislativeTerm/<int:year>/", views.legislative_term, name="oparl_legislative_term"),
]

urlpatterns = [
    path("", views.system, name="oparl_system"),
    path("body/", views.bodies, name="oparl_bodies"),
    path("body/<int:body_pk>/", include(body_patterns)),
]
