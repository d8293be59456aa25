"""`web`: staff get a one-time link to the web page (valid 10 minutes, works once) instead of a password.

Conversation (the golden transcript, replayed by the tests): tests/transcripts/web_masuk.txt.

A family never gets one: their own data stay in chat (`keluarga`). The link is made by
`storage.web_login.issue_link`, which also limits how many a chat may ask for in an hour.
"""
from __future__ import annotations

from bot.flows.base import Ctx, Turn, done, say
from bot.flows.base import StepFlow
from bot.messages import Role
from storage.web_login import LINK_MINUTES, issue_link


class WebLinkFlow(StepFlow):
    name = "web"
    steps = ()
    triggers = ("web", "halaman web", "dasbor", "dashboard", "login web", "masuk web")
    roles = frozenset({Role.KADER, Role.BIDAN, Role.ADMIN})

    def begin(self, ctx: Ctx, arg: str) -> Turn:
        token = issue_link(ctx.session, ctx.contact, ctx.now)
        if token is None:
            return done(say(ctx, "web.chat.too_many"))
        link = f"{ctx.settings.public_url.rstrip('/')}/masuk/{token}"
        return done(say(ctx, "web.chat.link", link=link, minutes=LINK_MINUTES))


FLOWS = (WebLinkFlow(),)
