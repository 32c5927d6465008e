"""Digital signatures (PAdES) on issued documents: the issuing body's certificate at issue, copies
signed outside and uploaded back, and the signatures read on /verify/. The test PKI, its
time-stamping authority on 127.0.0.1 and the signer's "usual tool" (pyHanko) are local."""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from emulation import issued as issued_module
from emulation import signing
from emulation.issued import AlteredDocument, issue_document
from emulation.models import AuditEvent, DocumentSignature, IssuedDocument, User
from emulation.verify import check_signed_intact
from tests.factories import make_user
from tests.pki import (
    Identity,
    TSAServer,
    dummy_timestamper,
    issue,
    local_tsa,
    make_ca,
    p12_bytes,
    unused_local_url,
)

BODY = "Ủy ban nhân dân tỉnh Quảng Trị"


@pytest.fixture(scope="module")
def root() -> Identity:
    return make_ca("Signing Test Root CA")


@pytest.fixture(scope="module")
def body(root: Identity) -> Identity:
    return issue(root, "UBND tinh Quang Tri")


@pytest.fixture(scope="module")
def person(root: Identity) -> Identity:
    return issue(root, "Nguyễn Văn An")


@pytest.fixture(scope="module")
def tsa_identity(root: Identity) -> Identity:
    return issue(root, "Signing Test TSA", time_stamping=True)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_SIGNING_P12 = ""
    settings.DOCUMENT_SIGNERS = {}
    settings.DOCUMENT_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = ""
    settings.AUDIT_TSA_TRUST_ROOTS = ""
    return tmp_path


@pytest.fixture
def trusted(settings: Any, tmp_path: Path, root: Identity) -> Path:
    path = root.write_pem(tmp_path / "root.pem")
    settings.SIGNING_TRUST_ROOTS = str(path)
    return path


@pytest.fixture
def body_p12(settings: Any, tmp_path: Path, body: Identity, root: Identity) -> Path:
    path = tmp_path / "body.p12"
    path.write_bytes(p12_bytes(body, root, b"mat-khau"))
    settings.DOCUMENT_SIGNING_P12 = str(path)
    settings.DOCUMENT_SIGNING_P12_PASSWORD = "mat-khau"
    return path


@pytest.fixture
def tsa(settings: Any, root: Identity, tsa_identity: Identity) -> Iterator[TSAServer]:
    with local_tsa(tsa_identity, root) as server:
        settings.DOCUMENT_TSA_URL = server.url
        yield server


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", full_name="Cán bộ Văn phòng")


def issue_minutes(by: User | None, *, signed: bool = False, **extra: Any) -> IssuedDocument:
    """A real WeasyPrint PDF, issued through the service: unsigned unless `signed` (the issuing
    pipeline signs with the configured certificate), so that a test signs it itself."""
    if not signed:
        with override_settings(DOCUMENT_SIGNING_P12="", DOCUMENT_SIGNERS={}):
            return issue_minutes(by, signed=True, **extra)
    return issue_document(
        kind="minutes",
        title="Biên bản họp bình xét năm 2026",
        issuer_name=BODY,
        template_name="pdf/official_text.html",
        context={
            "place": "Quảng Trị",
            "date": datetime.date(2026, 12, 20),
            "paragraphs": ["Hội nghị đã bình xét và bỏ phiếu kín."],
        },
        by=by,
        **extra,
    )


def stored(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def usual_tool(
    pdf: bytes, identity: Identity, ca: Identity, *, timestamper: TimeStamper | None = None
) -> bytes:
    """What a signer's own program does: add a PAdES signature in an incremental update."""
    signer = signers.SimpleSigner(
        signing_cert=identity.asn1,
        signing_key=identity.asn1_key,
        cert_registry=SimpleCertificateStore.from_certs([ca.asn1]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="PersonSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Ký duyệt",
    )
    out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    )
    return bytes(out.getbuffer())


# Signing at issue -------------------------------------------------------------------------------


def test_without_a_certificate_the_pdf_is_issued_as_rendered(clerk: User) -> None:
    document = issue_minutes(clerk)
    pdf = stored(document)
    assert signing.sign_issued(pdf, document) == pdf


def test_the_issuing_body_signs_a_weasyprint_pdf_in_pades(
    clerk: User, body_p12: Path, root: Identity
) -> None:
    document = issue_minutes(clerk)
    pdf = stored(document)

    signed = signing.sign_issued(pdf, document)

    assert signed.startswith(pdf)  # an incremental update: the rendered bytes stay as they are
    reader = PdfFileReader(BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    assert embedded.field_name == signing.ISSUER_FIELD
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "Ký số văn bản điện tử"
    assert embedded.sig_object["/Name"] == BODY
    (report,) = signing.read_signatures(signed, roots=[root.asn1])
    assert report.intact and report.trusted and report.unchanged_after
    assert report.signer == "UBND tinh Quang Tri"
    assert report.timestamp_at is None  # PAdES B-B: no authority configured
    (untrusted,) = signing.read_signatures(signed, roots=[])
    assert untrusted.intact and not untrusted.trusted


def test_the_issuing_pipeline_signs_every_document_it_stores(
    clerk: User, body_p12: Path, root: Identity
) -> None:
    document = issue_minutes(clerk, signed=True)
    (report,) = signing.read_signatures(stored(document), roots=[root.asn1])
    assert report.intact and report.trusted and report.signer == "UBND tinh Quang Tri"
    # The hash recorded is the signed file's: the copy people hold verifies.
    assert issued_module.problem_with(document) is None


def test_pdfsig_reads_the_issuing_body_signature_as_valid(
    clerk: User, body_p12: Path, tmp_path: Path
) -> None:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    document = issue_minutes(clerk)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signing.sign_issued(stored(document), document))

    # -nocert: the test root is not in an NSS database (pyHanko checks the chain above);
    # -no-ocsp: nothing reaches a network.
    result = subprocess.run(
        ["pdfsig", "-nocert", "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "Signature #1" in result.stdout
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Signer Certificate Common Name: UBND tinh Quang Tri" in result.stdout
    assert "Signature Type: ETSI.CAdES.detached" in result.stdout
    assert "Total document signed" in result.stdout


def test_the_signature_is_time_stamped_when_an_authority_is_configured(
    clerk: User, body_p12: Path, tsa: TSAServer, root: Identity
) -> None:
    document = issue_minutes(clerk)

    signed = signing.sign_issued(stored(document), document)

    (report,) = signing.read_signatures(signed, roots=[root.asn1])
    assert report.timestamp_at is not None
    assert "Signing Test TSA" in report.timestamp_authority
    assert report.timestamp_trusted
    assert tsa.requests >= 1


def test_an_unreachable_authority_leaves_the_signature_without_a_time_stamp(
    clerk: User, body_p12: Path, settings: Any, root: Identity, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DOCUMENT_TSA_URL = unused_local_url()
    document = issue_minutes(clerk)

    (report,) = signing.read_signatures(
        signing.sign_issued(stored(document), document), roots=[root.asn1]
    )

    assert report.intact and report.trusted and report.timestamp_at is None
    assert "signed without a time-stamp" in caplog.text


def test_an_issuer_with_its_own_certificate_signs_with_it(
    clerk: User, settings: Any, tmp_path: Path, person: Identity, root: Identity, body_p12: Path
) -> None:
    own = tmp_path / "own.p12"
    own.write_bytes(p12_bytes(person, root, None))
    settings.DOCUMENT_SIGNERS = {BODY: {"p12": str(own)}}
    document = issue_minutes(clerk)

    (report,) = signing.read_signatures(signing.sign_issued(stored(document), document))

    assert report.signer == "Nguyễn Văn An"


def test_the_certificate_is_loaded_once(clerk: User, body_p12: Path) -> None:
    document = issue_minutes(clerk)
    assert signing.signer_for(document) is signing.signer_for(document)


def test_a_wrong_passphrase_stops_issuing_rather_than_issuing_unsigned(
    clerk: User, body_p12: Path, settings: Any
) -> None:
    document = issue_minutes(clerk)
    settings.DOCUMENT_SIGNING_P12_PASSWORD = "sai"
    with pytest.raises(signing.SigningNotConfigured, match="passphrase"):
        signing.sign_issued(stored(document), document)


def _has_python_pkcs11() -> bool:
    try:
        import pkcs11  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(_has_python_pkcs11(), reason="python-pkcs11 is installed here")
# Signed copies uploaded back --------------------------------------------------------------------


def upload(client: Client, document: IssuedDocument, data: bytes, name: str = "signed.pdf") -> Any:
    url = reverse("signed_copy_upload", args=[document.code])
    return client.post(url, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def refusal(response: Any) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    return " ".join(errors)


@pytest.fixture
def issued(clerk: User) -> IssuedDocument:
    return issue_minutes(clerk)


@pytest.fixture
def as_clerk(clerk: User) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


def test_a_copy_signed_with_the_signer_own_tool_round_trips(
    issued: IssuedDocument,
    as_clerk: Client,
    clerk: User,
    trusted: Path,
    person: Identity,
    root: Identity,
    tsa_identity: Identity,
) -> None:
    signed = usual_tool(
        stored(issued), person, root, timestamper=dummy_timestamper(tsa_identity, root)
    )

    response = upload(as_clerk, issued, signed)

    assert response.status_code == 302
    copy = DocumentSignature.objects.get()
    assert copy.document == issued
    assert copy.sha256 == hashlib.sha256(signed).hexdigest()
    assert copy.signer_name == "Nguyễn Văn An"
    assert copy.certificate_serial == format(person.certificate.serial_number, "X")
    assert copy.certificate_sha256 == person.certificate.fingerprint(hashes.SHA256()).hex()
    assert copy.signed_at is not None and copy.timestamp_at is not None
    assert copy.uploaded_by == clerk
    with copy.file.open("rb") as handle:
        assert handle.read() == signed
    event = AuditEvent.objects.get(action=signing.ACCEPTED)
    assert event.actor == clerk
    assert isinstance(event.after, dict) and event.after["sha256"] == copy.sha256

    # The upload page lists it, and its download is the file accepted.
    page = as_clerk.get(reverse("signed_copy_upload", args=[issued.code]))
    assert f'data-copy="{copy.pk}"' in page.content.decode()
    download = as_clerk.get(reverse("signed_copy_download", args=[issued.code, copy.pk]))
    assert b"".join(download.streaming_content) == signed  # type: ignore[attr-defined]

    # /verify/ accepts the signed copy as the document and shows who signed and the time-stamp.
    check = Client().post(
        reverse("verify", args=[issued.code]),
        {"file": SimpleUploadedFile("copy.pdf", signed, "application/pdf")},
    )
    html = check.content.decode()
    assert 'data-result="signed-copy"' in html
    assert 'data-signature="PersonSignature" data-intact="1" data-trusted="1"' in html
    assert "Nguyễn Văn An" in html
    assert "Signing Test TSA" in html


def test_the_same_signed_copy_twice_is_accepted_once(
    issued: IssuedDocument, as_clerk: Client, trusted: Path, person: Identity, root: Identity
) -> None:
    signed = usual_tool(stored(issued), person, root)
    assert upload(as_clerk, issued, signed).status_code == 302
    message = refusal(upload(as_clerk, issued, signed))
    assert re.search("already accepted|đã được chấp nhận", message)
    assert DocumentSignature.objects.count() == 1


def test_a_copy_signed_over_the_issuing_body_signature_is_accepted(
    clerk: User,
    body_p12: Path,
    as_clerk: Client,
    trusted: Path,
    person: Identity,
    root: Identity,
) -> None:
    # The issued file already carries the body's signature (as `issue_document` stores it once it
    # calls `sign_issued`); the person adds theirs after it.
    rendered = issue_minutes(clerk)
    body_signed = signing.sign_issued(stored(rendered), rendered)
    document = IssuedDocument(
        code="SIGNEDBODY",
        kind="minutes",
        title=rendered.title,
        issuer_name=BODY,
        issued_by=clerk,
        issued_at=rendered.issued_at,
        sha256=hashlib.sha256(body_signed).hexdigest(),
        size=len(body_signed),
    )
    document.file.save("SIGNEDBODY.pdf", ContentFile(body_signed), save=False)
    document.save()

    assert upload(as_clerk, document, usual_tool(body_signed, person, root)).status_code == 302
    assert DocumentSignature.objects.get().signer_name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not_pdf", "not a PDF|không phải"),
        ("unsigned", "no signature added|chưa"),
        ("other_document", "not a signed copy of this document|không phải bản"),
        ("modified_issued_part", "not a signed copy of this document|không phải bản"),
        ("untrusted", "does not chain|không"),
    ],
)
def test_a_bad_signed_copy_is_refused_with_its_reason_and_nothing_is_saved(
    case: str,
    expected: str,
    issued: IssuedDocument,
    clerk: User,
    as_clerk: Client,
    trusted: Path,
    person: Identity,
    root: Identity,
) -> None:
    pdf = stored(issued)
    if case == "not_pdf":
        data = b"PK\x03\x04 a spreadsheet"
    elif case == "unsigned":
        data = pdf
    elif case == "other_document":
        data = usual_tool(stored(issue_minutes(clerk, metadata={"n": 2})), person, root)
    elif case == "modified_issued_part":
        # One byte changed in the header's comment: the structure still reads, the bytes differ.
        altered = pdf[:10] + b"X" + pdf[11:]
        assert altered != pdf
        data = usual_tool(altered, person, root)
    else:
        rogue_root = make_ca("Rogue Signing CA")
        data = usual_tool(pdf, issue(rogue_root, "Kẻ giả mạo"), rogue_root)
    events = AuditEvent.objects.count()

    message = refusal(upload(as_clerk, issued, data))

    assert re.search(expected, message), message
    assert not DocumentSignature.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_signed_copy_changed_after_signing_is_refused(
    issued: IssuedDocument, as_clerk: Client, trusted: Path, person: Identity, root: Identity
) -> None:
    signed = usual_tool(stored(issued), person, root)
    # Flip one byte inside the signed part, after the issued bytes (the signature's dictionary).
    at = signed.index(b"/Reason", issued.size)
    tampered = signed[:at] + b"/Reasom" + signed[at + 7 :]

    message = refusal(upload(as_clerk, issued, tampered))

    assert re.search("not valid|không hợp lệ", message), message
    assert not DocumentSignature.objects.exists()


def test_a_page_changed_after_the_signature_is_refused(
    issued: IssuedDocument, as_clerk: Client, trusted: Path, person: Identity, root: Identity
) -> None:
    signed = usual_tool(stored(issued), person, root)
    # A later revision that changes the page the person signed (its size here).
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/MediaBox"] = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 100, 100)])
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)

    message = refusal(upload(as_clerk, issued, output.getvalue()))

    assert re.search("changed after|thay đổi sau", message), message
    assert not DocumentSignature.objects.exists()


def test_no_trust_roots_installed_means_no_signed_copy_accepted(
    issued: IssuedDocument, as_clerk: Client, person: Identity, root: Identity
) -> None:
    message = refusal(upload(as_clerk, issued, usual_tool(stored(issued), person, root)))
    assert re.search("No trusted certificate authority|chứng thư gốc tin cậy", message), message


def test_only_the_issuer_and_the_named_signers_reach_the_upload(
    issued: IssuedDocument, clerk: User
) -> None:
    url = reverse("signed_copy_upload", args=[issued.code])
    other = make_user("other")
    signer = make_user("named")
    named = issue_minutes(clerk, metadata={"signer_ids": [signer.pk]})
    admin = make_user("root", is_superuser=True, is_staff=True)

    for user, document, status in [
        (clerk, issued, 200),
        (other, issued, 404),
        (admin, issued, 404),
        (signer, named, 200),
        (signer, issued, 404),
    ]:
        client = Client()
        client.force_login(user)
        assert client.get(reverse("signed_copy_upload", args=[document.code])).status_code == (
            status
        ), user.username
    assert Client().get(url).status_code == 302


def test_a_stored_signed_copy_altered_on_disk_is_refused(
    issued: IssuedDocument, as_clerk: Client, trusted: Path, person: Identity, root: Identity
) -> None:
    signed = usual_tool(stored(issued), person, root)
    upload(as_clerk, issued, signed)
    copy = DocumentSignature.objects.get()
    Path(copy.file.path).write_bytes(signed + b"\n% appended")

    with pytest.raises(AlteredDocument):
        check_signed_intact(copy)
    response = as_clerk.get(reverse("signed_copy_download", args=[issued.code, copy.pk]))
    assert response.status_code == 409


def test_verify_still_matches_the_issued_file_and_lists_no_signature_for_unsigned(
    issued: IssuedDocument,
) -> None:
    response = Client().post(
        reverse("verify", args=[issued.code]),
        {"file": SimpleUploadedFile("copy.pdf", stored(issued), "application/pdf")},
    )
    html = response.content.decode()
    assert 'data-result="match"' in html
    assert "data-signatures" not in html


def test_verify_shows_an_untrusted_signature_as_such(
    issued: IssuedDocument, person: Identity, root: Identity
) -> None:
    signed = usual_tool(stored(issued), person, root)  # no roots installed here
    response = Client().post(
        reverse("verify", args=[issued.code]),
        {"file": SimpleUploadedFile("copy.pdf", signed, "application/pdf")},
    )
    html = response.content.decode()
    assert 'data-result="mismatch"' in html  # not an accepted copy
    assert 'data-signature="PersonSignature" data-intact="1" data-trusted="0"' in html


def test_verify_answers_a_malformed_signed_pdf_without_an_error(issued: IssuedDocument) -> None:
    forged = b"%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 10 20 5] /Contents <3003> >>\nendobj\n"
    response = Client().post(
        reverse("verify", args=[issued.code]),
        {"file": SimpleUploadedFile("copy.pdf", forged, "application/pdf")},
    )
    assert response.status_code == 200
    assert 'data-result="mismatch"' in response.content.decode()


def test_a_signed_copy_row_written_around_the_application_confirms_nothing(
    issued: IssuedDocument, as_clerk: Client, trusted: Path, person: Identity, root: Identity
) -> None:
    """Someone with the database alone adds a signed copy's row (no audit record of its
    acceptance): the public verification page does not call a file matching it unaltered."""
    signed = usual_tool(stored(issued), person, root)
    upload(as_clerk, issued, signed)
    copy = DocumentSignature.objects.get()
    AuditEvent.objects.filter(object_type=copy._meta.label_lower, object_id=str(copy.pk)).update(
        object_id="0"
    )
    assert signing.signed_copy_problem(copy) == "the audit log has no record of its acceptance"
    response = Client().post(
        reverse("verify", args=[issued.code]),
        {"file": SimpleUploadedFile("signed.pdf", signed, "application/pdf")},
    )
    assert response.status_code == 409
