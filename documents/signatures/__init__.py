"""Digital signatures on PDF documents (PAdES, with pyHanko): reaching a user's key (``keys``),
where Phụ lục I of Nghị định 30/2020/NĐ-CP puts the signatures on a rendered page (``placement``),
signing (``signing``) and checking what arrives (``checking``). Pure functions on PDF bytes: no
database, no Flask, no workflow."""
