"""The command line speaks Vietnamese in its help too (English with ``CLI_LANGUAGE=en``), and a
unit named on it is looked up one way everywhere, offering the close names."""
from __future__ import annotations

import os
import subprocess

import click
import pytest

from tests.conftest import FLASK
from vocabulary.config import PROJECT_DIR
from vocabulary.i18n import translations


def _commands(command: click.Command):
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def test_every_help_text_of_every_command_has_its_vietnamese_translation():
    import importlib

    from cli import GROUP_NAMES

    catalog = translations("vi")
    untranslated = []
    for name in GROUP_NAMES:
        for command in _commands(importlib.import_module(f"cli.{name}").group):
            for item in (command, *command.params):
                msgid = item.__dict__.get("help_msgid", getattr(item, "help", None))
                if msgid and catalog.gettext(msgid) == msgid:
                    untranslated.append(f"{command.name}: {msgid}")
    assert untranslated == []


def _help(*args: str, language: str | None = None) -> str:
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}
    env.pop("CLI_LANGUAGE", None)
    if language:
        env["CLI_LANGUAGE"] = language
    return subprocess.run([*FLASK, *args, "--help"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                          timeout=120, check=True).stdout


def test_a_help_page_in_vietnamese_and_in_english():
    page = " ".join(_help("users", "create").split())
    for words in ("Cách dùng:", "Tùy chọn:", "[bắt buộc]", "Hiện hướng dẫn này rồi thoát.", "Ít nhất 10 ký tự"):
        assert words in page, words
    assert "[mặc định: docx]" in " ".join(_help("documents", "render").split())
    assert "Lệnh:" in _help("inspections")
    english = " ".join(_help("users", "create", language="en").split())
    assert "Usage:" in english and "Options:" in english and "[required]" in english and "Show this message and exit." in english
    assert "Cách dùng" not in english


@pytest.mark.parametrize("command", [
    ("users", "create", "vanthu@daison.local", "--role", "unit", "--unit", "Đại Sơn", "--password", "mot-mat-khau-dai"),
    ("inspections", "open", "--campaign", "tuky-2023", "--unit", "dai son", "--kind", "surprise"),
])
def test_a_unit_named_loosely_is_refused_with_the_close_names(cli, command):
    refused = cli(*command, check=False)
    assert refused.returncode != 0
    assert "không có đơn vị nào tên" in refused.stderr and "tên gần giống: “UBND xã Đại Sơn”" in refused.stderr, refused.stderr
