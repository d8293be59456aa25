"""Every flow's steps are one declared literal (`Flow.handlers`): each step has a handler, no handler is left
without a step, and each step is reached from `begin` by reading the code (a step no question leads to any
more is declared as such: `Flow.stored_only`)."""
from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any, Callable

import pytest

from bot import flows as registry
from bot.flows.base import Flow

FLOWS = registry.flows()


def _function(obj: Any) -> Callable[..., Any] | None:
    obj = getattr(obj, "__func__", obj)
    return obj if inspect.isfunction(obj) else None


def _holders(flow: Flow) -> list[Any]:
    return [flow, *(p for p in flow.parts() if p is not flow)]


def _on_methods(flow: Flow) -> set[tuple[int, str]]:
    """Every `on_<step>` function of the flow and of its parts (by holder and name)."""
    return {(id(h), name) for h in _holders(flow) for name in dir(h) if name.startswith("on_")}


@pytest.mark.parametrize("flow", FLOWS, ids=[f.name for f in FLOWS])
def test_every_step_has_a_handler_and_every_handler_a_step(flow: Flow):
    handlers = flow.handlers()
    assert all(callable(h) for h in handlers.values())
    declared = {(id(h.__self__), h.__name__) for h in handlers.values()}
    assert _on_methods(flow) - declared == set(), "an on_<step> no step names"
    for step, handler in handlers.items():
        assert handler.__name__ == f"on_{step}", f"step {step} answered by {handler.__name__}"
    assert not set(flow.stored_only) - set(handlers), "a stored-only step without a handler"


def _methods(flow: Flow) -> dict[str, list[Callable[..., Any]]]:
    found: dict[str, list[Callable[..., Any]]] = {}
    for holder in _holders(flow):
        for cls in type(holder).__mro__:
            for name, obj in vars(cls).items():
                func = _function(obj.__func__ if isinstance(obj, staticmethod) else obj)
                if func is not None:
                    found.setdefault(name, []).append(func)
    return found


def _asked(node: ast.Call) -> str | None:
    """The step a call waits at: `ask(ctx, "step", ...)` or `Turn(replies, "step", ...)`."""
    called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    if called not in ("ask", "Turn"):
        return None
    arg = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "step"), None)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def reached(flow: Flow) -> set[str]:
    """The steps the code can lead to from `begin`: asks in `begin`, in what it calls or names (methods of the
    flow and its parts, functions of bot.flows), and in the handlers of the steps reached, until nothing new."""
    methods, handlers = _methods(flow), flow.handlers()
    todo: list[Callable[..., Any]] = [type(flow).begin]
    seen: set[Callable[..., Any]] = set()
    steps: set[str] = set()
    while todo:
        func = todo.pop()
        if func in seen:
            continue
        seen.add(func)
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                step = _asked(node)
                if step is not None and step not in steps:
                    steps.add(step)
                    if step in handlers:
                        todo.append(getattr(handlers[step], "__func__", handlers[step]))
            if isinstance(node, ast.Attribute) and node.attr in methods:
                todo.extend(methods[node.attr])
            elif isinstance(node, ast.Name):
                named = _function(func.__globals__.get(node.id))
                if named is not None and named.__module__.startswith("bot.flows"):
                    todo.append(named)
    return steps


@pytest.mark.parametrize("flow", FLOWS, ids=[f.name for f in FLOWS])
def test_every_step_is_reached_from_begin(flow: Flow):
    steps = reached(flow)
    declared = set(flow.handlers())
    assert steps - declared == set(), "a step asked that the flow does not declare"
    assert declared - set(flow.stored_only) - steps == set(), "a declared step nothing leads to"
    assert set(flow.stored_only) & steps == set(), "a step called stored-only that is still asked"
