"""Who may do what: the actor of a change and the permissions of each role (``permissions``),
and user accounts with their passwords and tokens (``accounts``).
May import: ``audit``, ``errors``, models and the vocabulary."""
