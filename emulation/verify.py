"""The public verification page of issued documents: anyone, signed in or not, can see what was
issued under a code and check whether a copy they hold is the document as issued.

The page never serves the file itself: documents are downloaded only through the issuing app's
permission-checked views.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from emulation.forms import Form, post_data
from emulation.issued import AlteredDocument, check_intact, matches
from emulation.models import IssuedDocument, normalise_code

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
    if request.method == "POST" and issued.is_ready and form.is_valid():
        result = matches(issued, form.cleaned_data["file"])
    return render(
        request, "emulation/verify.html", {"issued": issued, "form": form, "result": result}
    )
