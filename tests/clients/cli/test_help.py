"""Every command's `--help`: examples to copy, no literal placeholders a reader must decode."""

from __future__ import annotations

import argparse
import getpass
import re
from collections.abc import Iterator

import pytest

from smartblocks.clients.cli import help as cli_help
from smartblocks.clients.cli.ledger_args import add_ledger_options
from smartblocks.clients.cli.main import build_parser, main
from smartblocks.ledger.keys import DEFAULT_KEY_DIR


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # an alias (`contracts`) names the same parser
                    seen.add(id(sub))
                    yield from walk(sub, (*path, name))


COMMANDS = list(walk(build_parser()))


def test_the_walk_reaches_the_subcommands() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {("meter", "record"), ("portal", "hash-password"), ("settings", "vote")} <= paths
    assert len(paths) > 40


@pytest.mark.parametrize(
    "path, parser", COMMANDS, ids=[" ".join(p) or "smartblocks" for p, _ in COMMANDS]
)
def test_every_help_ends_with_examples(path: tuple[str, ...], parser) -> None:
    text = parser.format_help()
    assert re.search(r"^examples?:\n  ", text, re.MULTILINE), text
    # The examples are the command's own (the top level's name a command).
    if path:
        example = text[text.index("example") :]
        assert f"smartblocks {' '.join(path)}" in example, example


def test_meter_record_explains_every_argument(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["meter", "record", "--help"])
    text = capsys.readouterr().out
    assert "meter id, e.g. lab-970.incomer-import" in text
    assert re.search(r"--interval S\s+seconds between the values", text)


def test_the_key_default_is_the_real_path(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["meter", "record", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert "$USER" not in text
    assert f"(default {DEFAULT_KEY_DIR / getpass.getuser()}.priv, named after your user)" in text


def test_the_key_default_without_a_user_name(monkeypatch) -> None:
    def no_user() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_user)
    parser = argparse.ArgumentParser()
    add_ledger_options(parser)
    assert "USER.priv, USER being your user name" in " ".join(parser.format_help().split())


def test_portal_action_is_optional(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["portal", "--help"])
    text = capsys.readouterr().out
    assert "[ACTION ...]" in text
    assert "optional; without one, the portal runs" in text


def test_add_command_needs_an_example() -> None:
    commands = argparse.ArgumentParser().add_subparsers()
    with pytest.raises(ValueError, match="needs an example"):
        cli_help.add_command(commands, "x", "do x", [])
    with pytest.raises(ValueError, match="must start with its examples"):
        cli_help.add_command(commands, "y", "do y", epilog="see the docs")
    one = cli_help.add_command(commands, "z", "do z", "smartblocks z")
    assert one.epilog == "example:\n  smartblocks z"
    assert one.description == "Do z."
