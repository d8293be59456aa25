"""`rekap` for a bidan: her desa's month, all her posyandu summed and each one, with the workbook.

Not a flow of its own: `RekapFlow` hands a bidan's plain `rekap` (no posyandu named) here; a
named posyandu (`rekap oktober MAWAR7`) still gives that posyandu's register-style recap.
"""
from __future__ import annotations

from bot.flows.base import Ctx, Turn, done
from bot.media.level_files import CHAT_FIGURES, unit_text
from bot.messages import Attachment, Reply
from bot.recap_text import month_label
from bot.texts import render
from storage.levels import level_recap, staff_desa_id
from storage.posyandu_days import audit



def desa_recap_turn(ctx: Ctx, year: int, month: int) -> Turn | None:
    """The desa recap, or None when the bidan has no desa (the caller then asks for a posyandu)."""
    desa_id = staff_desa_id(ctx.session, ctx.contact)
    if desa_id is None:
        return None
    recap = level_recap(ctx.session, "desa", None, year, month, cbr=ctx.settings.target_cbr, unit_id=desa_id)
    if recap["empty"]:
        return None
    unit = recap["levels"]["desa"][0]
    audit(ctx.session, ctx.contact.id, "recap.viewed", f"desa:{desa_id}", ctx.now)
    label = month_label(ctx.lang, year, month)
    text = unit_text(ctx.lang, recap, unit, CHAT_FIGURES, below="posyandu")
    slug = "".join(ch if ch.isalnum() else "-" for ch in (unit["code"] or unit["name"]).lower()).strip("-")
    attachment = Attachment("document", f"rekap-desa-{slug}-{year:04d}-{month:02d}.xlsx",
                            {"type": "levels", "lang": ctx.lang or "id", "recap": recap})
    caption = render(ctx.lang, "levels.file_caption", level=render(ctx.lang, "levels.level.desa"), name=unit["name"],
                     month=label)
    return done(Reply(text), Reply(caption, attachment=attachment))
