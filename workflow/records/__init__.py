"""What a case keeps on record: stored files by content hash (``files``), the attachment rows
that tie a file to a case and the change that brought it (``attachments``), and the register of
document numbers (``register``). May import: ``people``, ``errors``, models and the vocabulary."""
