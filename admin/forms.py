"""Form base classes: Flask-WTF's CSRF token on every form, WTForms messages in Vietnamese."""
from __future__ import annotations

from flask import current_app
from flask_admin.form import BaseForm as AdminBaseForm
from flask_wtf import FlaskForm


class _Meta:
    def get_translations(self, form):  # WTForms' hook for its own messages
        return current_app.extensions["wtforms_translations"]


class Form(FlaskForm):
    """Our own forms (login, actions on a case)."""

    class Meta(_Meta, FlaskForm.Meta):
        pass


class AdminForm(AdminBaseForm, FlaskForm):
    """Flask-Admin's model forms, with the same CSRF token the global CSRFProtect checks."""

    class Meta(_Meta, FlaskForm.Meta):
        pass
