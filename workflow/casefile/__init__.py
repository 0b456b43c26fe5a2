"""Changes of the case file that are not transitions: reviewing the unit's report by outline
section (``review``), deciding findings (``findings``), adding files (``uploads``), drawing up
documents (``rendering``). Each goes through ``case_edits``: the same lock, permission check and
audit entry as a transition. May import: ``engine`` and everything below it, and ``documents``."""
