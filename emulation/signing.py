"""Digital signatures (PAdES) on issued documents.

`sign_issued` is called by `emulation.issued` on every rendered PDF before its hash is taken and
it is stored. With no certificate configured for the document's issuer, the PDF is issued as
rendered, unsigned; the certificate configuration and the signing itself come with issue 20.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulation.models import IssuedDocument


def sign_issued(pdf: bytes, document: IssuedDocument) -> bytes:
    """The PDF signed with the certificate of `document`'s issuer, or as given when none is
    configured."""
    return pdf
