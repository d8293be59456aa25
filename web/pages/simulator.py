"""Simulator: talk to the bot in the browser as a kader, a bidan or a resident, through the same engine as
Telegram and WhatsApp, for training kaders at the puskesmas.

Its data are kept apart: a database of its own (`SIMULATOR_DATABASE_URL`, the demo loaded on first use),
never the real one. On with `make run`; off in production unless `SIMULATOR_ENABLED`.
"""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, render_template, request, session
from flask.typing import ResponseReturnValue

from bot.messages import Channel, Inbound, InboundKind, Outbound, Role
from bot.ports import SendResult, Sent
from web.pages.common import blueprint, build_runtime, page, runtime, seen

ROLES = ("kader", "bidan", "resident")
_lock = threading.Lock()


@dataclass
class Collector:
    """The simulator's only channel: keeps what the bot says, by outbox id, until the page reads it."""

    channel: Channel = Channel.TERMINAL
    said: dict[int, Outbound] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Outbound, plan: object = None) -> SendResult:
        with self.guard:
            self.said[message.id] = message
        return Sent(f"sim-{message.id}")

    def take(self, ids: list[int]) -> list[Outbound]:
        with self.guard:
            return [self.said.pop(i) for i in ids if i in self.said]


def simulator_runtime() -> tuple[Any, Collector]:
    """The simulator's own runtime on its own database and what it said, built once per process (by the app's
    `build_runtime`, handed in untyped: the page never imports `app/`)."""
    with _lock:
        built = current_app.extensions.get("posyandu_simulator")
        if built is None:
            from storage.db import transaction
            from storage.migrate import upgrade
            from storage.seed import seed_demo

            main = runtime()
            settings = main.settings.with_(database_url=main.settings.simulator_database_url, send_now=False)
            upgrade(settings.database_url)
            collector = Collector()
            built = build_runtime(settings, clock=main.clock, senders={Channel.TERMINAL: collector})
            with transaction(built.session_factory) as s:
                seed_demo(s, main.clock.now())
            current_app.extensions["posyandu_simulator"] = built = (built, collector)
        return built


def _enabled() -> None:
    if not runtime().settings.simulator_enabled:
        abort(404)


def _trainee(role: str) -> str:
    """This browser's chat address in the simulator, made anew when the role changes."""
    current = session.get("sim") or {}
    if current.get("role") != role or not current.get("address"):
        current = {"role": role, "address": f"latih-{secrets.token_hex(6)}"}
        session["sim"] = current
    return current["address"]


@blueprint.get("/simulator")
@page("simulator")
def simulator() -> ResponseReturnValue:
    _enabled()
    role = request.args.get("sebagai") or (session.get("sim") or {}).get("role") or "kader"
    if role not in ROLES:
        role = "kader"
    _trainee(role)
    seen("web.simulator")
    return render_template("simulator.html", role=role, roles=ROLES)


@blueprint.post("/simulator/kirim")
@page("simulator")
def simulator_send() -> ResponseReturnValue:
    _enabled()
    role = request.form.get("sebagai", "kader")
    if role not in ROLES:
        abort(400)
    text = (request.form.get("text") or "").strip()[:2000]
    if not text:
        return render_template("simulator_turn.html", typed="", said=[])
    sim, collector = simulator_runtime()
    address = _trainee(role)
    from storage.db import transaction
    from storage.seed import trainee
    from bot.intake import process

    with transaction(sim.session_factory) as s:
        trainee(s, address, Role(role), sim.clock.now())
    handled = process(sim, Inbound(Channel.TERMINAL, address, text, InboundKind.TEXT), send=False)
    sim.dispatcher.send_ids(handled.outbox_ids)
    said: list[dict[str, Any]] = []
    for message in collector.take(list(handled.outbox_ids)):
        said.append({"to_me": message.address == address, "to": message.address, "text": message.text,
                     "choices": [c.label for c in message.choices],
                     "attachment": message.attachment.filename if message.attachment else None})
    return render_template("simulator_turn.html", typed=text, said=said)
