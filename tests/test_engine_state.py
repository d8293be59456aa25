"""The engine's own keys live apart from the flow's data (bot/engine_state.py); a state stored in the old shape
(the engine's keys in `data`, before migration 0017) goes on as if nothing had changed."""
from __future__ import annotations

from sqlalchemy import select

from bot.engine_state import migrate
from storage.models import Contact, ConversationState
from tests.harness import Person


def _state(session, address: str = "kader1") -> ConversationState:  # type: ignore[no-untyped-def]
    session.expire_all()
    contact = session.scalars(select(Contact).where(Contact.address == address)).one()
    return session.get(ConversationState, contact.id)


def _as_stored_before(state: ConversationState) -> None:
    """Write the state back in the shape the engine stored until 0017."""
    own = state.engine or {}
    old = {"_v": own.get("version"), "_prompt": own.get("prompt")} if state.flow else {}
    if own.get("draft"):
        draft = own["draft"]
        old["_draft"] = {"flow": draft["flow"], "step": draft["step"], "what": draft["what"],
                         "data": {**draft["data"], "_v": draft["version"], "_prompt": draft["prompt"]}}
    state.data = {**state.data, **old}
    state.engine = None


def test_the_flow_data_holds_no_engine_key(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah")
    state = _state(session)
    assert state.data and not any(key.startswith("_") for key in state.data)
    assert state.engine["version"] == 1 and state.engine["prompt"][0]


def test_a_report_stored_in_the_old_shape_goes_on(runtime, demo, session):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah")
    _as_stored_before(_state(session))
    session.commit()
    assert "Tinggi atau panjang badan" in k.say("8,1")  # the weight taken at the stored step, the next asked
    _as_stored_before(_state(session))
    session.commit()
    assert "Tinggi atau panjang badan" in k.say("bantuan")  # the question asked again from the migrated prompt
    state = _state(session)
    assert not any(key.startswith("_") for key in state.data) and state.engine["version"] == 1


def test_a_draft_kept_in_the_old_shape_is_resumed(runtime, demo, session, clock):
    k = Person(runtime, "kader1")
    k.say("lapor"), k.say("aisyah"), k.say("8,1")
    clock.advance(hours=3)  # timed out: kept as a draft
    k.say("menu")
    state = _state(session)
    assert state.engine["draft"]["what"] and state.flow is None
    _as_stored_before(state)
    session.commit()
    k.say("lapor")
    reply = k.say("lanjut")
    assert "Aisyah Putri" in reply and "Tinggi atau panjang badan" in reply


def test_a_new_state_is_left_as_it_is():
    class Row:
        data = {"pid": 1}
        engine = {"version": 1}

    row = Row()
    migrate(row)
    assert row.data == {"pid": 1} and row.engine == {"version": 1}
