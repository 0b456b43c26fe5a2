"""List filters that read dates the way the UI writes them: dd/mm/yyyy, in the configured time zone."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter

from vocabulary.bounds import date_in_range
from vocabulary.config import zone

# The picker joins the two ends with " – " (cchc-datepicker.js); Flask-Admin's own links use " to ".
_ENDS = re.compile(r"\s+(?:to|–|-)\s+")
_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_local_moment(text: str) -> datetime:
    """A moment typed in the UI (dd/mm/yyyy HH:MM, or ISO), local time, as an aware UTC time."""
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=zone()).astimezone(timezone.utc)
        except ValueError:
            continue
    raise ValueError(text)


class LocalTimeBetweenFilter(DateTimeBetweenFilter):
    """Between two moments typed as dd/mm/yyyy HH:MM in ``TIMEZONE``; the column holds aware UTC."""

    def clean(self, value: str) -> list[datetime]:
        return [parse_local_moment(end) for end in _ENDS.split(value.strip())]

    def validate(self, value: str) -> bool:
        try:
            ends = self.clean(value)
        except ValueError:
            return False
        return len(ends) == 2 and ends[0] <= ends[1] and all(date_in_range(end) for end in ends)  # 2000–2100
