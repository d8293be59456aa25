"""Objects that own threads, loops or locks in one process. gunicorn forks its workers after
import: in the child the parent's threads do not exist and a lock a parent thread held at fork
time is never released, so each such object registers here and forgets them in the child."""
from __future__ import annotations

import os
import weakref
from typing import Protocol


class ForgetsAfterFork(Protocol):
    def _forget(self) -> None: ...


_OWNERS: "weakref.WeakSet[ForgetsAfterFork]" = weakref.WeakSet()


def forget_in_forked_child(owner: ForgetsAfterFork) -> None:
    """Call `owner._forget()` in every child forked from now on (kept only while `owner` lives)."""
    _OWNERS.add(owner)


def _after_fork_in_child() -> None:
    for owner in list(_OWNERS):
        owner._forget()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
