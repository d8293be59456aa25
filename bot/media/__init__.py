"""Pictures and files made from data: the growth chart (PNG) and the month's recap (XLSX).

`materialise` turns an attachment's spec into its bytes. It runs at send time
(the senders, the media route, the terminal), never in the webhook's step.
"""
from __future__ import annotations

from typing import Any


def materialise(spec: dict[str, Any]) -> bytes:
    """The bytes of an attachment from its spec (`type` chart or recap)."""
    kind = spec.get("type")
    if kind == "chart":
        from bot.media.chart import chart_png

        return chart_png(spec)
    if kind == "recap":
        from bot.media.recap_files import workbook_bytes

        return workbook_bytes(spec["recap"], spec.get("lang") or "id")
    if kind == "levels":  # the recap by level (a bidan's desa)
        from bot.media.level_files import workbook_bytes as level_workbook

        return level_workbook(spec["recap"], spec.get("lang") or "id")
    raise ValueError(f"unknown attachment type {kind!r}")
