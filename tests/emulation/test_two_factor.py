from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from emulation import otp
from emulation.accounts import PENDING_KEY, SECRET_KEY
from emulation.models import AuditEvent, User
from tests.factories import World, make_user
from tests.security.samples import totp_code as code_for

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/two-factor/"


def wrong_code(key: str) -> str:
    right = {code_for(key, steps) for steps in (-1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in right)


def enable(user: User) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for `user`; returns the key and the backup codes."""
    key = otp.new_secret()
    return key, otp.enable_two_factor(user, key=key, code=code_for(key))


def force_login_with_code(client: Any, user: User) -> None:
    """Sign in as if the code step had been passed."""
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _no_code_throttling(settings: Any) -> None:
    # django-otp makes each wrong code cost a growing wait; these tests type codes back to back.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def person(db: None) -> User:
    return make_user("lanhdao1", full_name="Nguyễn Văn Hùng")


def sign_in_with_password(client: Any, next_url: str = "") -> Any:
    data = {"username": "lanhdao1", "password": "demo12345"}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


# Setting it up -------------------------------------------------------------------------------


def test_the_setup_page_shows_a_qr_code_image_and_the_key_in_groups(
    client: Any, person: User
) -> None:
    client.force_login(person)
    response = client.get(SETUP)
    page = response.content.decode()
    assert response.status_code == 200
    image = re.search(r'<img[^>]+src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert image is not None, "the QR code is an <img> with an SVG data URI"
    assert base64.b64decode(image.group(1)).lstrip().startswith(b"<svg")
    assert "<svg" not in page, "no inline SVG markup on the page"
    key = client.session[SECRET_KEY]
    typed = otp.secret_for_typing(key)
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", typed)
    assert typed in page
    assert not TOTPDevice.objects.exists(), "nothing is stored before the code confirms it"


def test_reloading_the_setup_page_keeps_the_same_key(client: Any, person: User) -> None:
    client.force_login(person)
    client.get(SETUP)
    first = client.session[SECRET_KEY]
    client.get(SETUP)
    assert client.session[SECRET_KEY] == first


def test_the_qr_code_carries_the_key_the_issuer_and_the_username(person: User) -> None:
    key = otp.new_secret()
    uri = otp.provisioning_uri(person, key)
    assert uri.startswith("otpauth://totp/")
    assert "lanhdao1" in uri
    assert otp.secret_for_typing(key).replace(" ", "") in uri
    assert "issuer=" in uri


def test_a_wrong_code_does_not_turn_it_on(client: Any, person: User) -> None:
    client.force_login(person)
    client.get(SETUP)
    key = client.session[SECRET_KEY]
    response = client.post(SETUP, {"code": wrong_code(key)})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not otp.has_device(person)
    assert not AuditEvent.objects.filter(action="accounts.two_factor.enabled").exists()


def test_the_right_code_turns_it_on_and_shows_ten_backup_codes_once(
    client: Any, person: User
) -> None:
    client.force_login(person)
    client.get(SETUP)
    key = client.session[SECRET_KEY]
    response = client.post(SETUP, {"code": code_for(key)})
    page = response.content.decode()
    assert response.status_code == 200
    shown = re.findall(r"<li class=\"col\">([a-z2-7]{4}-[a-z2-7]{4})</li>", page)
    assert len(shown) == 10
    assert otp.has_device(person)
    assert TOTPDevice.objects.get(user=person).key == key
    stored = set(StaticToken.objects.filter(device__user=person).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in shown}
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="accounts.two_factor.enabled")
    assert event.actor == person
    again = client.get(SETUP).content.decode()
    assert "10" in again and shown[0] not in again, "the codes are not shown a second time"
    assert SECRET_KEY not in client.session


def test_setting_it_up_keeps_the_current_session_signed_in(client: Any, person: User) -> None:
    client.force_login(person)
    client.get(SETUP)
    client.post(SETUP, {"code": code_for(client.session[SECRET_KEY])})
    assert client.get("/").status_code == 200


# Signing in ---------------------------------------------------------------------------------


def test_without_an_authenticator_the_password_alone_signs_in(client: Any, person: User) -> None:
    response = sign_in_with_password(client)
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_with_an_authenticator_the_password_leads_to_the_code_step(
    client: Any, person: User
) -> None:
    enable(person)
    response = sign_in_with_password(client)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session, "not signed in before the code"
    assert client.get("/").status_code == 302
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_the_right_code_signs_in_where_the_person_was_going_and_is_audited(
    client: Any, person: User
) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client, next_url="/blocks/")
    response = client.post(VERIFY, {"code": code_for(key, steps_ahead=1)})
    assert response.status_code == 302
    assert response["Location"] == "/blocks/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert "otp_device_id" in client.session
    assert PENDING_KEY not in client.session
    login = AuditEvent.objects.get(action="accounts.login")
    assert (login.actor, login.reason) == (person, "second factor")
    assert client.get("/").status_code == 200


def test_a_code_typed_with_spaces_is_accepted(client: Any, person: User) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client)
    code = code_for(key, steps_ahead=1)
    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert response["Location"] == reverse("home")


def test_a_wrong_code_is_refused_counted_and_audited(client: Any, person: User) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client)
    response = client.post(VERIFY, {"code": wrong_code(key)})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="accounts.login_failed")
    assert (failed.actor, failed.actor_label, failed.reason) == (None, "lanhdao1", "second factor")
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="lanhdao1").failures_since_start == 1


def test_repeated_wrong_codes_lock_the_account_like_wrong_passwords(
    client: Any, person: User
) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client)
    statuses = [client.post(VERIFY, {"code": wrong_code(key)}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert "_auth_user_id" not in client.session
    again = sign_in_with_password(client)
    assert again.status_code == 429, "the password step is locked too"
    assert "_auth_user_id" not in client.session


def test_a_backup_code_signs_in_once(client: Any, person: User) -> None:
    _key, codes = enable(person)
    sign_in_with_password(client)
    typed = otp.display_backup_code(codes[0]).upper()
    assert client.post(VERIFY, {"code": typed})["Location"] == reverse("home")
    assert otp.backup_codes_left(person) == 9
    client.post("/accounts/logout/")
    sign_in_with_password(client)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_the_password_step_goes_back_to_sign_in(
    client: Any, person: User
) -> None:
    assert client.get(VERIFY)["Location"] == LOGIN
    assert client.post(VERIFY, {"code": "123456"})["Location"] == LOGIN


def test_the_code_step_times_out(client: Any, person: User) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": int(time.time()) - 600}
    session.save()
    response = client.post(VERIFY, {"code": code_for(key, steps_ahead=1)})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_password_changed_meanwhile_ends_the_code_step(client: Any, person: User) -> None:
    key, _codes = enable(person)
    sign_in_with_password(client)
    person.set_password("Mat-khau-moi-2026")
    person.save()
    response = client.post(VERIFY, {"code": code_for(key, steps_ahead=1)})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_session_signed_in_without_the_code_is_signed_out(client: Any, person: User) -> None:
    enable(person)
    client.force_login(person)  # as if through a door that skipped the code
    response = client.get("/blocks/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_page_sends_people_to_the_sites_sign_in(client: Any, db: None) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    posted = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert posted["Location"].startswith(LOGIN)


# Backup codes and turning it off --------------------------------------------------------------


def test_new_backup_codes_need_the_password_and_replace_the_old_ones(
    client: Any, person: User
) -> None:
    _key, old = enable(person)
    force_login_with_code(client, person)
    url = reverse("two_factor_backup_codes")
    wrong = client.post(url, {"password": "sai-mat-khau"})
    assert wrong.status_code == 200 and "invalid-feedback" in wrong.content.decode()
    assert otp.verify_code(person, old[1]), "a wrong password changes nothing"
    response = client.post(url, {"password": "demo12345"})
    shown = re.findall(r"([a-z2-7]{4}-[a-z2-7]{4})</li>", response.content.decode())
    assert len(shown) == 10
    assert not otp.verify_code(person, old[2])
    assert otp.verify_code(person, shown[0])
    assert AuditEvent.objects.filter(
        action="accounts.two_factor.backup_codes_regenerated", actor=person
    ).exists()


def test_turning_it_off_needs_the_password_and_a_code_and_is_audited(
    client: Any, person: User
) -> None:
    key, codes = enable(person)
    force_login_with_code(client, person)
    url = reverse("two_factor_disable")
    wrong_password = client.post(url, {"password": "sai-mat-khau", "code": codes[0]})
    assert wrong_password.status_code == 200
    assert otp.backup_codes_left(person) == 10, "a wrong password does not use up the code"
    wrong = client.post(url, {"password": "demo12345", "code": wrong_code(key)})
    assert wrong.status_code == 200 and otp.has_device(person)
    response = client.post(url, {"password": "demo12345", "code": code_for(key, steps_ahead=1)})
    assert response["Location"] == SETUP
    assert not otp.has_device(person)
    assert otp.backup_codes_left(person) == 0
    assert AuditEvent.objects.filter(action="accounts.two_factor.disabled", actor=person).exists()
    assert sign_in_with_password(client)["Location"] == reverse("home")


# Who must use it -------------------------------------------------------------------------------

REQUIRED = {"staff", "member", "leader", "leader2"}


@pytest.mark.parametrize(
    "role", ["admin", "staff", "member", "secretariat", "leader", "leader2", "officer", "outsider"]
)
def test_the_authority_decides_who_must_use_it(role: str, world: World) -> None:
    person = world.user(role)
    assert person is not None
    assert not otp.two_factor_required(person), "nobody while the authority does not ask"
    world.authority.require_two_factor = True
    world.authority.save()
    assert otp.two_factor_required(person) is (role in REQUIRED)


def test_someone_required_is_sent_to_set_it_up_from_every_page(client: Any, world: World) -> None:
    world.authority.require_two_factor = True
    world.authority.save()
    client.force_login(world.leader)
    for url in ["/", "/blocks/", f"/units/{world.units[2].pk}/", "/accounts/password/"]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, SETUP), url
    page = client.get("/blocks/", follow=True)
    assert page.redirect_chain == [(SETUP, 302)]
    assert page.context["required"] is True, "the page says their role requires it"
    assert client.post("/language/", {"language": "en", "next": SETUP}).status_code == 302
    key = client.session[SECRET_KEY]
    client.post(SETUP, {"code": code_for(key)})
    assert client.get("/blocks/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_htmx_requests_are_sent_to_set_it_up_too(client: Any, world: World) -> None:
    world.authority.require_two_factor = True
    world.authority.save()
    client.force_login(world.staff)
    response = client.get("/blocks/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == SETUP


def test_someone_required_cannot_turn_it_off(client: Any, world: World) -> None:
    key, _codes = enable(world.leader)
    world.authority.require_two_factor = True
    world.authority.save()
    force_login_with_code(client, world.leader)
    url = reverse("two_factor_disable")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="password"' not in page.content.decode(), "no form to turn it off"
    response = client.post(url, {"password": "demo12345", "code": code_for(key, 1)})
    assert response.status_code == 200
    assert otp.has_device(world.leader)
    assert not AuditEvent.objects.filter(action="accounts.two_factor.disabled").exists()


# The code itself -----------------------------------------------------------------------------


def test_a_code_is_accepted_only_once(person: User) -> None:
    key, _codes = enable(person)
    code = code_for(key, steps_ahead=1)
    assert otp.verify_code(person, code)
    assert not otp.verify_code(person, code), "a code seen once cannot be replayed"


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "1234567", "12_3456", "+123456", "abc", "-123456", "\x00123456", "x" * 5000],
)
def test_malformed_codes_are_refused_without_error(person: User, typed: str) -> None:
    enable(person)
    assert otp.verify_code(person, typed) is False


def test_full_width_digits_and_dashed_backup_codes_are_read_as_typed(person: User) -> None:
    key, codes = enable(person)
    code = code_for(key, steps_ahead=1)
    full_width = "".join(chr(ord("０") + int(d)) for d in code)
    assert otp.verify_code(person, full_width)
    assert otp.verify_code(person, f"{codes[3][:4].upper()} - {codes[3][4:]}")


def test_nobody_signed_in_has_no_device_and_needs_none(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert otp.has_device(AnonymousUser()) is False
    assert otp.two_factor_required(AnonymousUser()) is False
