"""The public verification page of issued documents: anyone, signed in or not, can see what was
issued under a code and check whether a copy they hold is the document as issued, or a signed
copy accepted for it, and read the digital signatures the copy carries (`emulation.signing`).

The page never serves the file itself: documents are downloaded only through the issuing app's
permission-checked views. The person who issued a document, and the signers its app named, bring
it back signed with their own certificate at /documents/<code>/signed/ (`signed_copy_upload`).
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from emulation.forms import Form, post_data
from emulation.issued import AlteredDocument, check_intact, matches, sha256_of
from emulation.models import DocumentSignature, IssuedDocument, normalise_code
from emulation.signing import (
    SignedCopyRefused,
    accept_signed_copy,
    describe_signatures,
    may_upload_signed,
    signed_copy_problem,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_MB = 20
# PDF readers accept the "%PDF-" header anywhere in the first 1,024 bytes; so do we.
PDF_MAGIC = b"%PDF-"


class VerifyUploadForm(Form):
    file = forms.FileField(
        label=_("Your copy of the document (PDF)"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Choose the PDF file you want to check."),
            "empty": _("The file you chose is empty. Choose the PDF you received."),
            "invalid": _("No file was received. Choose the PDF file again."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "The file is compared here and not kept. At most %(size)d MB."
        ) % {"size": MAX_UPLOAD_MB}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(size)d MB; an issued document is much smaller."),
                params={"size": MAX_UPLOAD_MB},
                code="too_big",
            )
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(0)
        if PDF_MAGIC not in head:
            raise ValidationError(
                _(
                    "This is not a PDF file. Issued documents are PDF files: choose the PDF you received."
                ),
                code="not_pdf",
            )
        return upload


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What was issued under a code, and whether an uploaded copy is that document."""
    wanted = normalise_code(code)
    issued = (
        IssuedDocument.objects.select_related("issued_by").filter(code=wanted).first()
        if wanted
        else None
    )
    if issued is None:
        return render(request, "emulation/verify_unknown.html", {"code": code}, status=404)
    try:
        # A record whose file or hash was altered behind the application's back confirms nothing.
        check_intact(issued)
    except AlteredDocument:
        return render(
            request,
            "emulation/altered_document.html",
            {"code": issued.display_code},
            status=409,
        )
    form = VerifyUploadForm(post_data(request), request.FILES if request.method == "POST" else None)
    result = None
    signed_copy = None
    signatures = None
    copies = list(issued.signed_copies.order_by("uploaded_at", "id"))
    if request.method == "POST" and issued.is_ready and form.is_valid():
        upload = form.cleaned_data["file"]
        result = matches(issued, upload)
        if not result and copies:
            digest = sha256_of(upload)
            signed_copy = next((copy for copy in copies if copy.sha256 == digest), None)
            if signed_copy is not None:
                try:
                    # A copy's row confirms nothing unless the audit log recorded it so.
                    check_signed_intact(signed_copy)
                except AlteredDocument:
                    return render(
                        request,
                        "emulation/altered_document.html",
                        {"code": issued.display_code},
                        status=409,
                    )
            result = signed_copy is not None
        upload.seek(0)
        data = upload.read()
        if b"/ByteRange" in data:
            signatures = describe_signatures(data, issued)
    return render(
        request,
        "emulation/verify.html",
        {
            "issued": issued,
            "form": form,
            "result": result,
            "signed_copy": signed_copy,
            "signatures": signatures,
            "copies": copies,
        },
    )


class SignedCopyForm(VerifyUploadForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("The signed PDF")
        self.fields["file"].help_text = gettext(
            "The document as downloaded from this site, signed with your digital signature. "
            "At most %(size)d MB."
        ) % {"size": MAX_UPLOAD_MB}


def _signable(request: HttpRequest, code: str) -> IssuedDocument:
    """The document under `code`, when the person may bring it back signed; 404 otherwise, so
    that a code does not tell who else may sign it."""
    issued = get_object_or_404(
        IssuedDocument.objects.select_related("issued_by"), code=normalise_code(code)
    )
    if not may_upload_signed(request.user, issued):
        raise Http404
    return issued


@require_http_methods(["GET", "HEAD", "POST"])
def signed_copy_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the issued document signed outside with one's own certificate: accepted only when
    it is the issued file, byte for byte, with trusted signatures added (see
    `emulation.signing.check_signed_copy`); the accepted copies are listed."""
    issued = _signable(request, code)
    check_intact(issued)
    form = SignedCopyForm(post_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            copy = accept_signed_copy(issued, upload.read(), by=request.user)  # type: ignore[arg-type]
        except SignedCopyRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                gettext("The copy signed by %(signer)s is accepted.")
                % {"signer": copy.signer_name},
            )
            return redirect("signed_copy_upload", issued.code)
    copies = issued.signed_copies.select_related("uploaded_by").order_by("uploaded_at", "id")
    return render(
        request,
        "emulation/signed_copy_upload.html",
        {"issued": issued, "form": form, "copies": copies},
    )


def check_signed_intact(copy: DocumentSignature) -> None:
    """Raise `AlteredDocument` (and log an error) unless the stored signed copy is the file
    accepted (`emulation.signing.signed_copy_problem`)."""
    problem = signed_copy_problem(copy)
    if problem is not None:
        logger.error(
            "Signed copy %s of issued document %s refused: %s.",
            copy.pk,
            copy.document.code,
            problem,
        )
        raise AlteredDocument(copy.document, f"signed copy {copy.pk}: {problem}")


@require_http_methods(["GET", "HEAD"])
def signed_copy_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """An accepted signed copy, to the people who may upload one; hashed again first, and
    refused (`AlteredDocument`) when it is not the file accepted."""
    issued = _signable(request, code)
    copy: DocumentSignature = get_object_or_404(issued.signed_copies, pk=pk)
    check_signed_intact(copy)
    response = FileResponse(
        copy.file.open("rb"),
        as_attachment=True,
        filename=f"{issued.code}-signed-{copy.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
