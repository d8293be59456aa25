"""The registry of conversations. Add a flow by importing it into FLOWS."""
from __future__ import annotations


from bot.choices import keyword
from bot.flows.base import Flow
from bot.messages import Role


# One module per area; each exports FLOWS (a tuple of Flow instances).
FLOW_MODULES = ("start", "invites", "referrals", "links", "lapor", "persalinan", "resident", "broadcast", "nik", "rekap", "grafik",
                "visits", "consent", "reach", "history", "web_link")


def _all() -> tuple[Flow, ...]:
    import importlib

    found: list[Flow] = []
    for name in FLOW_MODULES:
        try:
            module = importlib.import_module(f"bot.flows.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.flows.{name}":
                raise
            continue  # an area not installed in this build
        found.extend(module.FLOWS)
    return tuple(found)


_FLOWS: tuple[Flow, ...] | None = None


def flows() -> tuple[Flow, ...]:
    global _FLOWS
    if _FLOWS is None:
        _FLOWS = _all()
        names = [f.name for f in _FLOWS]
        if len(names) != len(set(names)):
            raise ValueError("two flows share a name")
    return _FLOWS


def get(name: str | None) -> Flow | None:
    return next((f for f in flows() if f.name == name), None)


def find(text: str) -> tuple[Flow | None, str]:
    """The flow a message starts, and the rest of the message: 'lapor bb 9,5' -> (lapor, 'bb 9,5')."""
    key = keyword(text)
    best: tuple[Flow | None, str] = (None, "")
    best_len = 0
    for flow in flows():
        for trigger in flow.triggers:
            if (key == trigger or key.startswith(trigger + " ")) and len(trigger) > best_len:
                best, best_len = (flow, key[len(trigger):].strip()), len(trigger)
    return best


def menu_for(role: Role) -> list[Flow]:
    return sorted((f for f in flows() if f.menu_key and role in f.roles), key=lambda f: f.menu_order)
