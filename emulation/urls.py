from django.contrib import admin
from django.urls import include, path

from emulation import accounts, verify, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("accounts/login/verify/", accounts.login_verify, name="login_verify"),
    path("accounts/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/backup-codes/",
        accounts.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/two-factor/disable/", accounts.two_factor_disable, name="two_factor_disable"),
    path("accounts/locked/", accounts.locked_accounts, name="locked_accounts"),
    path("language/", views.set_language, name="set_language"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("verify/<str:code>/", verify.verify, name="verify"),
    path("documents/<str:code>/signed/", verify.signed_copy_upload, name="signed_copy_upload"),
    path(
        "documents/<str:code>/signed/<id:pk>/",
        verify.signed_copy_download,
        name="signed_copy_download",
    ),
    path("admin/", admin.site.urls),
    path("", include("blocks.urls")),
    path("", include("covenants.urls")),
    path("", include("scoring.urls")),
    path("", include("awards.urls")),
]
