"""How a campaign counts its days: calendar days (the plan's "trước 10 ngày") or working days."""
CALENDAR = "calendar"
WORKING = "working"
COUNTING_MODES = (CALENDAR, WORKING)
