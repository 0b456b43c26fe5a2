"""Registering a user's signing key: how it is reached, the certificate it carries, and the image
it stamps (the person's blue signature; for a clerk, the body's red seal)."""
from __future__ import annotations

import os
from dataclasses import asdict
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.signatures.keys import CertificateInfo, KeySpec, SigningError, certificate_of
from models import SigningKey, User
from models.db import write_transaction
from vocabulary.i18n import _
from workflow import audit
from workflow.errors import BadData, NotFound
from workflow.people.permissions import Actor


def certificate_json(info: CertificateInfo) -> dict[str, Any]:
    """The certificate's fields as the key's row keeps them, for display."""
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in asdict(info).items()}


def opened_certificate(spec: KeySpec, environ: Mapping[str, str] = os.environ) -> CertificateInfo:
    """The key's certificate, read by opening it: a key that does not open is refused with the reason."""
    try:
        return certificate_of(spec, environ)
    except SigningError as error:
        raise BadData(_("The key cannot be used: {reason}", reason=str(error)), field="key") from None


def register_key(
    session: Session,
    email: str,
    spec: KeySpec,
    *,
    actor: Actor,
    now: datetime,
    image: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> SigningKey:
    """Set ``email``'s key (replacing one registered before) once it opens; audited on the
    user's chain. ``image`` (``StoredFile.recorded()`` of a PNG already in the file store)
    replaces the image; without it the image registered before is kept."""
    if image is not None and image["type"] != "image/png":
        raise BadData(_("The signature image must be a PNG with a transparent background."), field="image")
    certificate = certificate_json(opened_certificate(spec, environ))
    with write_transaction(session):
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise NotFound(_("No user {email}.", email=email))
        key = session.scalar(select(SigningKey).where(SigningKey.user_id == user.id))
        if key is None:
            key = SigningKey(user_id=user.id, created_at=now)
            session.add(key)
        key.spec, key.certificate, key.updated_at = spec.as_json(), certificate, now
        if image is not None:
            key.image_sha256 = image["sha256"]
        user.updated_at = now
        session.flush()
        audit.append(session, user, at=now, actor=actor.name, trigger="signing_key", data={
            "spec": key.spec, "certificate": {name: certificate[name] for name in ("common_name", "organisation", "serial", "issuer")},
            "image": image,
        })
    return key


def key_of(session: Session, user_id: int | None) -> SigningKey | None:
    return session.scalar(select(SigningKey).where(SigningKey.user_id == user_id)) if user_id is not None else None
