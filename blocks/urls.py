from django.urls import path

from blocks import views
from blocks.imports import views as imports

app_name = "blocks"

urlpatterns = [
    path("blocks/", views.block_list, name="block_list"),
    path("blocks/new/", views.block_create, name="block_create"),
    path("blocks/<id:pk>/", views.block_detail, name="block_detail"),
    path("blocks/<id:pk>/edit/", views.block_edit, name="block_edit"),
    path("blocks/<id:pk>/years/new/", views.blockyear_create, name="blockyear_create"),
    path("years/<id:pk>/", views.blockyear_detail, name="blockyear_detail"),
    path("years/<id:pk>/edit/", views.blockyear_edit, name="blockyear_edit"),
    path("years/<id:pk>/deadlines/", views.blockyear_deadlines, name="blockyear_deadlines"),
    path("years/<id:pk>/leadership/", views.blockyear_leadership, name="blockyear_leadership"),
    path("years/<id:pk>/members/add/", views.membership_add, name="membership_add"),
    path("years/<id:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("memberships/<id:pk>/end/", views.membership_end, name="membership_end"),
    path("authorities/merge/", views.authority_merge, name="authority_merge"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<id:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<id:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<id:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<id:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("units/<id:pk>/split/", views.unit_split, name="unit_split"),
    path("units/<id:pk>/roles/add/", views.unitrole_add, name="unitrole_add"),
    path("unit-roles/<id:pk>/remove/", views.unitrole_remove, name="unitrole_remove"),
    path("units/<id:pk>/people/", views.unit_people, name="unit_people"),
    path("units/<id:pk>/people/add/", views.unit_person_add, name="unit_person_add"),
    path("unit-people/<id:pk>/edit/", views.unit_person_edit, name="unit_person_edit"),
    path("unit-people/<id:pk>/left/", views.unit_person_left, name="unit_person_left"),
    path("people/new/", views.person_create, name="person_create"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<id:pk>/contributions/",
        views.contribution_record,
        name="contribution_record",
    ),
    path("imports/", imports.import_start, name="import_start"),
    path("imports/<id:pk>/", imports.import_preview, name="import_preview"),
    path("imports/invitations/", imports.invitations_waiting, name="invitations_waiting"),
    path("imports/<id:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<id:pk>/discard/", imports.import_discard, name="import_discard"),
    path("imports/template.xlsx", imports.import_template_xlsx, name="import_template_xlsx"),
    path(
        "imports/template/<str:kind>.csv", imports.import_template_csv, name="import_template_csv"
    ),
    path(
        "accounts/invitation/<str:uidb64>/<str:token>/",
        imports.invitation_accept,
        name="invitation_accept",
    ),
]
