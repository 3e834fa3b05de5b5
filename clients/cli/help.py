"""How every command's `--help` reads: a wrapped description, then its examples.

`add_command` is the one way a module adds a (sub)command parser, so each `--help` ends with an
`example:` (or `examples:`) section a reader can copy.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

WIDTH = 90


class Formatter(argparse.RawDescriptionHelpFormatter):
    """The description and examples as written; an optional subcommand shown in brackets
    (argparse shows `ACTION ...` whether or not one is required)."""

    def _format_args(self, action: argparse.Action, default_metavar: str) -> str:
        text = super()._format_args(action, default_metavar)
        if action.nargs == argparse.PARSER and not action.required:
            return f"[{text}]"
        return text


def wrap(text: str) -> str:
    """Each paragraph (blank-line separated) filled to WIDTH: the descriptions are shown raw, so
    the examples below them keep their lines."""
    return "\n\n".join(textwrap.fill(p, WIDTH) for p in text.split("\n\n"))


def examples_epilog(examples: str | Sequence[str], notes: str = "") -> str:
    """`example:` and the command line indented, or `examples:` and one per line; `notes` (a
    paragraph after them) is wrapped."""
    lines = [examples] if isinstance(examples, str) else list(examples)
    head = "example:" if len(lines) == 1 else "examples:"
    text = "\n".join([head, *("  " + line for line in lines)])
    return text + ("\n\n" + wrap(notes) if notes else "")


def add_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    help_text: str,
    example: str | Sequence[str] = (),
    func: Callable[[argparse.Namespace], int | None] | None = None,
    *,
    description: str | None = None,
    epilog: str | None = None,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """A subcommand whose `--help` shows `description` (default: `help_text` as a sentence)
    and then `example` (one command line, or several); `epilog` replaces the examples section
    when a command needs comments between its examples (it must start with "example")."""
    if epilog is None:
        if not example:
            raise ValueError(f"command {name} needs an example")
        epilog = examples_epilog(example)
    elif not epilog.startswith("example"):
        raise ValueError(f"the epilog of {name} must start with its examples")
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help_text,
        description=wrap(description or help_text[0].upper() + help_text[1:] + "."),
        epilog=epilog,
        formatter_class=Formatter,
        **kwargs,
    )
    if func is not None:
        parser.set_defaults(func=func)
    return parser
