from django.contrib import admin
from django.urls import include, path

from emulation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("language/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("blocks.urls")),
]
