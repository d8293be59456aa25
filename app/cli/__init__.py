"""`flask --app app.wsgi ...` commands: thin wrappers over plain functions.

Each area registers its own group here; see the modules beside this one.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask

from app.runtime import Runtime


def register_commands(app: Flask, runtime: Callable[[], Runtime]) -> None:
    from app.cli import core

    core.install(app, runtime)
    for group in core.GROUPS:
        app.cli.add_command(group)
    for module_name in ("reporting", "reminders", "satusehat", "recap", "visits", "levels", "web"):
        try:
            module = __import__(f"app.cli.{module_name}", fromlist=["GROUPS"])
        except ModuleNotFoundError as exc:
            if exc.name != f"app.cli.{module_name}":
                raise
            continue
        for group in module.GROUPS:
            app.cli.add_command(group)
