"""The calendar: how days are counted (calendar or working days, Vietnamese holidays, Art. 148
of the Civil Code), the due dates a case stores, and the proposal of a campaign's visit schedule.
Imports models and the vocabulary only."""
