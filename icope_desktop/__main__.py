"""Command line entry point: `icope-desktop` or `python -m icope_desktop`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="icope-desktop",
        description="ICOPE Desktop: WHO ICOPE screening at home, offline first.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the encrypted store lives (default: the platform's user data directory)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use a throw-away data directory seeded with realistic demo patients "
        "(passphrase shown on the unlock screen)",
    )
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help="interface language")
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="close the window after this many seconds (smoke tests, screenshots)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from icope_desktop.app import run  # imported late: Qt loads only when the app runs

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
