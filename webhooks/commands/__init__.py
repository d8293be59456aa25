"""`flask --app webhooks.app ...` commands: thin wrappers over plain functions.

Each area registers its own group here; see the modules beside this one.
"""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from webhooks.commands import core

    for group in core.GROUPS:
        app.cli.add_command(group)
    for module_name in ("reporting", "reminders", "satusehat", "recap", "visits", "levels", "web"):
        try:
            module = __import__(f"webhooks.commands.{module_name}", fromlist=["GROUPS"])
        except ModuleNotFoundError as exc:
            if exc.name != f"webhooks.commands.{module_name}":
                raise
            continue
        for group in module.GROUPS:
            app.cli.add_command(group)
