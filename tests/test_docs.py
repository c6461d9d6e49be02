"""The README does not lie: every command has help and every option is documented."""

from __future__ import annotations

import click

from archive.cli import main
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group = main, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its full name, sub-commands of groups included."""
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        out[prefix + name] = command
        if isinstance(command, click.Group):
            out.update(commands(command, prefix + name + " "))
    return out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    for name, command in commands().items():
        assert command.help, name
        assert f"bulletins {name}" in README, name


def test_every_option_is_in_the_readme() -> None:
    for name, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Option):
                long_names = [o for o in param.opts if o.startswith("--")]
                assert any(o in README for o in long_names), f"{name} {long_names}"


def test_readme_names_the_two_commands() -> None:
    assert "make archive" in README and "make test" in README
