"""The documents of a campaign, built as DOCX (python-docx) and XLSX (openpyxl) from plain facts
(``documents.facts``), laid out by Nghị định 30/2020/NĐ-CP. Nothing here reads the database."""
