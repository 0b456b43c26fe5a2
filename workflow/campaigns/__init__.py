"""Campaigns as data: plan files, drafts, the units' registry, cases opened on the day.

Owns: the plan file (``plan_file``: the TOML schema, reading with the line of every problem,
writing), the outline parser (``outline_parser``: the plan's text to sections and items) and the
outlines as plan data (``outlines``), importing and exporting a campaign (``plans``), drafting,
scheduling, activating, closing and copying one (``drafts``), the units and their history
(``units``), the team decision's roster (``team``), opening a case outside the plan's list (``opening``) and which campaign a user works
in (``current``). Plain Python, no Flask. Sits at the top of ``workflow`` beside ``queries`` and
``casefile``: it may import ``engine`` (cases are created by ``engine.cases.open_case``) and every
layer below it.
"""
