"""`grade`'s arguments reach Click once: the language, the daemon choice and the command come
from what Click parsed, wherever an option stands; nothing scans the arguments before it."""

from __future__ import annotations

import sys

import click
import pytest
from helpers import click_help_kept

from grader import cli
from grader.apps import daemon
from grader.base import i18n

pytestmark = pytest.mark.unit


@pytest.fixture
def parsed(monkeypatch):
    """Runs `grade ARGS` as the process does (cli.run); records every Click parse of a command,
    what the daemon was asked, and what the warm engine was sent. Exits never leave the test."""
    record: dict[str, list] = {"parses": [], "wanted": [], "asked": []}
    parse_args = click.Command.parse_args

    def counted(self, ctx, args):
        record["parses"].append(self.name)
        return parse_args(self, ctx, args)

    def wanted(command, no_daemon):
        record["wanted"].append((command, no_daemon))
        return not no_daemon

    def ask_engine(argv, wait=False):
        record["asked"].append(argv)
        return 0  # the engine graded it: the client leaves with its status

    monkeypatch.setattr(click.Command, "parse_args", counted)
    monkeypatch.setattr(daemon, "wanted", wanted)
    monkeypatch.setattr(daemon, "ask_engine", ask_engine)
    monkeypatch.delenv(daemon.NO_DAEMON_ENV, raising=False)
    monkeypatch.setenv("TORCHGRADE_LANG", "en")

    def run(*args: str) -> dict[str, list]:
        monkeypatch.setattr(sys, "argv", ["grade", *args])
        for key in record:
            record[key].clear()
        with pytest.raises(SystemExit):
            cli.run()
        return record

    with click_help_kept():
        yield run


def test_lang_and_no_daemon_reach_click_once(parsed):
    record = parsed("--lang", "zh_CN", "--no-daemon", "no/such/file.py")
    assert record["parses"] == ["main", "check"]  # the group (main), then its command: once each
    assert record["wanted"] == [("check", True)] and record["asked"] == []
    assert i18n.language() == "zh_CN"


@pytest.mark.parametrize(
    ("args", "command", "no_daemon", "lang"),
    [
        (("no/such/file.py", "--lang", "zh_CN", "--no-daemon"), "check", True, "zh_CN"),
        (("check", "--no-daemon", "--lang=zh-Hans", "no/such/file.py"), "check", True, "zh_CN"),
        (("next", "--no-daemon", "no/such/folder"), "next", True, "en"),
        (("watch", "--lang", "zh_CN", "--no-daemon", "no/such/folder"), "watch", True, "zh_CN"),
    ],
)
def test_every_option_is_read_where_it_stands(parsed, args, command, no_daemon, lang):
    record = parsed(*args)
    assert record["parses"] == ["main", command] and record["wanted"] == [(command, no_daemon)]
    assert i18n.language() == lang


def test_the_warm_engine_gets_the_arguments_as_typed(parsed):
    record = parsed("--lang", "zh_CN", "no/such/file.py", "--quiet")
    assert record["wanted"] == [("check", False)]
    assert record["asked"] == [["--lang", "zh_CN", "no/such/file.py", "--quiet"]]
    assert record["parses"] == ["main", "check"]


def test_help_and_other_commands_never_ask_the_daemon(parsed):
    assert parsed("check", "--help")["wanted"] == []
    assert parsed("solution", "--lang", "zh_CN", "--help")["wanted"] == []


def test_no_scan_of_the_arguments_before_click():
    assert not hasattr(i18n, "take_lang")
    assert cli.engine_command(["--lang", "zh_CN", "next"]) == "next"  # the warm engine's check, by Click
    assert cli.engine_command(["--", "next"]) == "check"  # a file named next
    assert cli.engine_command(["next", "--no-daemon"]) == ""  # asks for its own process
    assert cli.engine_command(["--no-daemon", "--lang", "zh_CN", "f.py"]) == ""


@pytest.mark.parametrize("args", [("--help", "--lang", "zh_CN"), ("check", "--help", "--lang", "zh_CN")])
def test_help_speaks_the_language_given_after_it(args, monkeypatch, capsys):
    """Click processes eager options in the order typed: --lang is read first wherever it stands
    (seen failing without cli's lang_before_help: the help came out in English)."""
    monkeypatch.setenv("TORCHGRADE_LANG", "en")
    monkeypatch.setattr(sys, "argv", ["grade", *args])
    with click_help_kept(), pytest.raises(SystemExit):
        cli.run()
    assert capsys.readouterr().out.startswith("用法: grade")
