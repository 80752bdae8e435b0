"""Command-line usage errors (missing option, unknown command or flag, bad value) as one message.

Why a module of its own: the parser that raises these errors is *typer's*, and which click it
runs on changed under us — typer 0.29 vendors click as ``typer._click`` and no longer installs
the ``click`` package, so ``import click`` fails in a runtime-only install (and, where click
happens to be installed, its classes are not the ones typer raises). The classes are therefore
taken from typer's own public ``typer.BadParameter`` (whose bases are the parser's ``UsageError``
and ``ClickException`` whichever click is underneath), never by importing click.

The message follows the project's format (``error: ...`` on stderr, exit 2) with the command it
concerns and where its help is, instead of typer's boxed panel or a traceback.
"""

from __future__ import annotations

import difflib
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["ABORT", "CLICK_EXCEPTION", "USAGE_ERROR", "print_usage_error"]


def _base(name: str) -> type[Exception]:
    """The class called ``name`` among the bases of typer's ``BadParameter``."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == name and issubclass(cls, Exception):
            return cls
    raise RuntimeError(f"typer {typer.__version__}: no {name} above typer.BadParameter")


#: Raised by the parser for every usage mistake (exit code 2).
USAGE_ERROR: type[Exception] = _base("UsageError")
#: The parser's printable errors (usage errors and e.g. unreadable ``typer.FileText`` files).
CLICK_EXCEPTION: type[Exception] = _base("ClickException")
#: Ctrl-C / EOF at a prompt.
ABORT: type[BaseException] = typer.Abort


def _suggest_command(exc: Any) -> str:
    """The commands there are, or a did-you-mean, for an unknown sub-command (if typer gave none)."""
    ctx = getattr(exc, "ctx", None)
    message = str(getattr(exc, "message", ""))
    if ctx is None or not message.startswith("No such command") or "Did you mean" in message:
        return ""
    wrong = message.split("'")[1] if message.count("'") >= 2 else ""
    try:
        names = list(ctx.command.list_commands(ctx))
    except AttributeError:  # not a group
        return ""
    close = difflib.get_close_matches(wrong, names, n=1, cutoff=0.6)
    if close:
        return f" Did you mean '{close[0]}'?"
    return f" Commands: {', '.join(names)}."


def print_usage_error(console: Console, exc: Exception) -> int:
    """Print ``exc`` (a parser error) as ``error: <command>: <what>`` + where help is; its code."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        # ``nextadvance`` or ``nextadvance mappings`` alone: show what can follow, exit 2.
        help_text = ctx.get_help()
        if help_text:
            console.print(help_text, markup=False, highlight=False)
        return 2
    fmt = getattr(exc, "format_message", None)
    what = fmt() if callable(fmt) else str(exc)
    what += _suggest_command(exc)
    command = ctx.command_path if ctx is not None else "nextadvance"
    console.print(
        f"[bold red]error:[/] {escape(command)}: {escape(what)}\n  see: {escape(command)} --help",
        highlight=False,
        soft_wrap=True,
    )
    code = getattr(exc, "exit_code", 2)
    return code if isinstance(code, int) else 2
