"""The `bulletins` group: commands kept in other modules are imported only when used.

`bulletins --help` lists every command with its one-line help, but importing the module
of `names` (name matching, numpy, sqlite-utils) would double its start-up. A command
declared here as ``"module:attribute"`` is imported the first time it is looked up by
name (run, or its own ``--help``); the list in ``--help`` takes its line from the
docstring of the function of that name, read from the module's source without running
it. Every other way of reaching the commands (``group.commands[name]``, ``.items()``)
imports them, so a caller sees the same commands either way.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import click


class Commands(MutableMapping[str, click.Command]):
    """Commands by name; the ones given as ``module:attribute`` load on first access."""

    def __init__(self, deferred: dict[str, str]) -> None:
        self.loaded: dict[str, click.Command] = {}
        self.deferred = dict(deferred)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            self.loaded[name] = load_command(self.deferred.pop(name))
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.deferred.pop(name, None)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if self.deferred.pop(name, None) is None:
            del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*self.loaded, *self.deferred])

    def __len__(self) -> int:
        return len(self.loaded) + len(self.deferred)


def load_command(target: str) -> click.Command:
    """The command object at ``module:attribute``."""
    module, attribute = target.split(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return command


def source_help(target: str) -> str | None:
    """The docstring of the function ``attribute`` in ``module``'s source, not run; None
    when it cannot be read that way (then the command is imported for its help)."""
    module, attribute = target.split(":")
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return ast.get_docstring(node)
    return None


class Group(click.Group):
    """A click group whose ``commands`` is a ``Commands``; help lists deferred ones unloaded."""

    def __init__(self, *args: Any, deferred: dict[str, str], **kwargs: Any) -> None:
        kwargs["commands"] = Commands(deferred)
        super().__init__(*args, **kwargs)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed = self.list_commands(ctx)
        if not listed:
            return
        limit = formatter.width - 6 - max(len(name) for name in listed)
        rows = []
        for name in listed:
            line = self.listed_help(ctx, name, limit)
            if line is not None:
                rows.append((name, line))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def listed_help(self, ctx: click.Context, name: str, limit: int) -> str | None:
        """The command's line in the list; None for a hidden one."""
        commands = self.commands
        if isinstance(commands, Commands) and name in commands.deferred:
            text = source_help(commands.deferred[name])
            if text is not None:
                return click.Command(name, help=text).get_short_help_str(limit)
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(limit)
