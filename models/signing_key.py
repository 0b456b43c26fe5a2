"""A user's key for signing documents (documents.signatures.KeySpec) and the image it stamps."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime


class SigningKey(Base):
    """How one user's key is reached (a PKCS#12 file or a PKCS#11 token; secrets only by the name
    of the environment variable holding them), the certificate it carried when registered (for
    display), and the SHA-256 of the signature image in the file store: the person's blue
    signature, or for a clerk the body's red seal."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), unique=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    certificate: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user = relationship("User")
