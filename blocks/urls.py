from django.urls import path

from blocks import views

app_name = "blocks"

urlpatterns = [
    path("blocks/", views.block_list, name="block_list"),
    path("blocks/new/", views.block_create, name="block_create"),
    path("blocks/<int:pk>/", views.block_detail, name="block_detail"),
    path("blocks/<int:pk>/edit/", views.block_edit, name="block_edit"),
    path("blocks/<int:pk>/years/new/", views.blockyear_create, name="blockyear_create"),
    path("years/<int:pk>/", views.blockyear_detail, name="blockyear_detail"),
    path("years/<int:pk>/edit/", views.blockyear_edit, name="blockyear_edit"),
    path("years/<int:pk>/deadlines/", views.blockyear_deadlines, name="blockyear_deadlines"),
    path("years/<int:pk>/leadership/", views.blockyear_leadership, name="blockyear_leadership"),
    path("years/<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path("years/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("units/<int:pk>/split/", views.unit_split, name="unit_split"),
    path("units/<int:pk>/roles/add/", views.unitrole_add, name="unitrole_add"),
    path("unit-roles/<int:pk>/remove/", views.unitrole_remove, name="unitrole_remove"),
    path("people/new/", views.person_create, name="person_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:pk>/contributions/",
        views.contribution_record,
        name="contribution_record",
    ),
]
