"""The domain: state machines, guards, deadlines and the one service that changes a case.
Plain Python and SQLAlchemy; no Flask."""
