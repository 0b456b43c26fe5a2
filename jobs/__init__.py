"""The deadline engine: the sweep, the e-mail outbox and the scheduler process that runs them."""
