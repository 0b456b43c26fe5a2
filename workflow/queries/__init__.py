"""Read models: the filtered case list (``case_list``) and the dashboard's figures
(``dashboard``). They only read. May import any other part of ``workflow``."""
