"""The `nba-platform` command line (`app`), what it prints (`output`) and how it fails (`errors`)."""

from nba_platform.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
