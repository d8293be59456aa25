"""The shape of an unfinished `/lapor` report: every key the report's steps keep between messages.

Why a declared shape: the draft lives in the conversation state's JSON (so any
web worker continues it, and a timed-out one is kept as a draft), which makes it
a plain dict at run time; here each key is declared once with its type and
meaning, the report's steps are annotated with it, and
`tests/reporting/test_report_draft.py` fails when a step writes a key that is not
declared here. Member facts are not kept in it: they are read once per step
(`Ctx.once`).
"""
from __future__ import annotations

from typing import Any, TypedDict


class NewMember(TypedDict, total=False):
    """A member registered inside the report (`➕ Anggota baru`), saved with the visit."""

    name: str
    sex: str  # L | P
    birth: str  # ISO date
    phone: str | None  # E.164
    nik: str | None  # 16 digits, checked (health.nik)


class PendingValue(TypedDict, total=False):
    """A value waiting for the kader's "yes, that is right" (an unusual value or a WHO-implausible z-score)."""

    item: str  # health.measurements item
    values: dict[str, Any]  # the fields it fills
    confirm: str | None  # the question's text key (None: asked about the other value, `_doubt_other`)
    params: dict[str, Any]
    passed: list[str]  # checks already confirmed
    flags: list[str]  # implausible z-score flags to accept


class ReportDraft(TypedDict, total=False):
    """One report between messages."""

    pid: int  # the posyandu
    date: str  # ISO date of the posyandu day (today unless typed)
    search: str  # a name typed with `lapor NAME`
    line: str  # values typed before the member was known (`lapor siti bb 9,5`)
    member: int  # the member reported on (None while `new` is filled)
    new: NewMember
    hpht: str | None  # ISO date; None: not pregnant or not known
    hpht_estimate: str | None  # how it was estimated (weeks, months or an HPL: health.pregnancy), None: an HPHT
    pregnant: bool  # she said she is pregnant (a status: `hpht` may stay unknown)
    values: dict[str, Any]  # the checked values, by storage field (health.visit.Values)
    queue: list[str]  # items still to ask, in the form's order
    item: str  # the item being asked
    line_queue: list[list[str]]  # [item, raw text] typed in one message, judged one by one
    pending: PendingValue
    z_ok: list[str]  # implausible z-scores the kader confirmed after re-measuring
    services: list[str] | None  # service codes given (None: not asked yet)
    svc_pick: list[str]  # services ticked so far in the services step
    mode: str  # "edit" while an item is changed from the summary
    finish: bool  # `simpan` typed: save after the current item
    saved: int  # reports saved in this conversation (the goodbye says so, or that none was)
    typed_date: str  # ISO date typed at the member question, asked back: the visit's day or a birth date?
    born: str  # ISO birth date told at the member question, for a new member
    position: str  # L | H as the kader said it (`pb 85`, "berbaring"): the length hint follows it
    hinted: bool  # the "several values at once" hint was shown
    save_hinted: bool  # the "`simpan` ends here" hint was shown


DRAFT_KEYS = frozenset(ReportDraft.__annotations__)
