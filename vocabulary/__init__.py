"""The words every layer shares, and nothing else: states and kinds of a case and of a unit,
roles, the ways of counting days, the settings read from the environment, and the translation
helpers that label them. A leaf: it imports nothing of the project, so that ``models`` (and
everything above it) can depend on it without depending on the domain."""
