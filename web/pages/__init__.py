"""The pages, each a module adding its routes to the one blueprint (`web.pages.common`), imported here."""
from __future__ import annotations

from web.pages import (  # noqa: F401  (each module adds its routes to the blueprint)
    area, auth, home, kaders, members, reach, recap, referrals, satusehat, simulator, visits,
)
from web.pages.common import COOKIE, PAGES, blueprint

__all__ = ["COOKIE", "PAGES", "blueprint"]
