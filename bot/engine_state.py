"""The engine's own keys of a conversation, kept apart from the flow's data.

Why apart: a flow's `data` is the flow's (what the person typed, where the
flow is); what the engine keeps to run any flow (the flow's version, the last
question for a re-ask, a kept draft, a pending "leave?" question) lives in
`ConversationState.engine`. Until migration 0017 both lived in `data` under
`_`-prefixed keys: such a state (or a draft kept then) is moved to the new
shape when it is read, so conversations in progress survive the deploy.
"""
from __future__ import annotations

from typing import Any, Protocol

# The keys as stored in `data` before 0017, and their names in `engine`.
LEGACY_KEYS = {"_v": "version", "_prompt": "prompt", "_draft": "draft", "_leave": "leave", "_then": "then"}


class Stored(Protocol):
    data: Any
    engine: Any


def split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """An old `data` dict: (the flow's data, the engine's keys by their new names)."""
    own = {LEGACY_KEYS[k]: v for k, v in data.items() if k in LEGACY_KEYS}
    return {k: v for k, v in data.items() if not k.startswith("_")}, own


def migrate_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """A kept draft whose `data` still holds the engine's keys (`_v`, `_prompt`) gets them beside it."""
    data, own = split(draft.get("data") or {})
    if not own and data == draft.get("data"):
        return draft
    return {**draft, "data": data, **{k: v for k, v in own.items() if k in ("version", "prompt")}}


def migrate(state: Stored) -> None:
    """Bring a state stored in the old shape to the new one (nothing is written when it is already new)."""
    data = state.data or {}
    if state.engine is not None and not any(k.startswith("_") for k in data):
        return
    flow_data, own = split(data)
    engine = {**(state.engine or {}), **own}
    if engine.get("draft"):
        engine["draft"] = migrate_draft(engine["draft"])
    state.data, state.engine = flow_data, engine
