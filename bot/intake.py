"""The path every channel shares: one transaction for the step, then send the replies at once."""
from __future__ import annotations

import logging

from bot.messages import Inbound
from bot.ports import Running
from bot.service import Handled, handle_inbound
from storage.db import transaction
from storage.outbox import wake_dispatchers

log = logging.getLogger(__name__)


def process(runtime: Running, inbound: Inbound, *, send: bool = True) -> Handled:
    """Handle `inbound` and commit; then hand the replies to the send-now pool.

    If the process dies after the commit, the replies are in the outbox and the
    dispatcher sends them; if it dies before, the provider redelivers and nothing
    was recorded, so nothing is lost either way.
    """
    now = runtime.clock.now()
    wake = runtime.settings.send_from == "dispatcher"
    send = send and runtime.settings.send_now and not wake
    with transaction(runtime.session_factory) as session:
        handled = handle_inbound(session, inbound, now, runtime.settings, claim_replies=send)
        if wake and handled.outbox_ids:
            wake_dispatchers(session)  # SEND_FROM=dispatcher: the workers send, woken at the commit
    if send:
        runtime.send_now.submit_claimed(handled.claimed)  # written claimed: one UPDATE each after sending
        runtime.send_now.submit(handled.unclaimed_ids)  # alerts and results to others: the usual claim
    return handled
