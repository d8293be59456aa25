"""Procfile `release` (`python -m app.release`): bring the database to the newest migration, then exit."""
from __future__ import annotations

import sys

from bot.config import Settings
from storage.migrate import upgrade


def main() -> int:
    upgrade(Settings.from_env().database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
