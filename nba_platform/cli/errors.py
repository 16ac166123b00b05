"""How a command fails: each exception becomes one line on stderr (`nba-platform <command>: ...`)."""

from __future__ import annotations


class UsageError(Exception):
    """Input the user can correct (a missing folder, a date with nothing in it, refused credentials): exit 2."""


class CommandFailed(Exception):
    """The command could not finish for a reason outside the user's input (a service down): exit 1."""
