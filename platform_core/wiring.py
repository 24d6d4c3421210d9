"""Explicit wiring: receivers and page hooks are declared by the package that listens, and
connected by the composition root (``schatkaart/wiring.py``) in one declared order.

Importing a module connects nothing: ``Receivers.on`` only records the pair in the module's own
list. ``Receivers.connect`` connects them (blinker keeps a receiver's first position, so
connecting twice, as every test app does, changes nothing).

``PageHook`` replaces "receivers return dicts that are merged": each contributor to a page of a
lower package is added with an explicit priority and the names it provides; two contributors
providing the same name is an error at wiring time, never a silent "last one wins".

A page may be built partly from memory: a contributor added with ``shared=True`` gives what is
the same for every reader who answers its ``reader`` function alike (a civil servant, an
initiator and a resident each get their own), and a section added with ``shared=True`` is
rendered only from shared contributors' names, so the page can keep it
(``platform_core.pagecache.fragment``) and ask those contributors nothing while it is kept. The
other contributors and sections are the reader's own and run on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from blinker import Signal


class Receivers:
    """The receivers one module declares, in the order it declares them."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.pairs: list[tuple[Signal, Callable]] = []

    def on(self, *signals: Signal) -> Callable[[Callable], Callable]:
        def record(receiver: Callable) -> Callable:
            self.pairs.extend((signal, receiver) for signal in signals)
            return receiver

        return record

    def connect(self) -> None:
        for signal, receiver in self.pairs:
            signal.connect(receiver, weak=False)


@dataclass(order=True)
class _Contributor:
    priority: int
    name: str
    provides: tuple[str, ...] = field(compare=False)
    function: Callable[..., dict] = field(compare=False)
    shared: bool = field(default=False, compare=False)
    #: for a shared contributor: what in its names depends on the reader (sender, user) -> key
    reader: Callable[..., tuple] | None = field(default=None, compare=False)


class PageHook:
    """A named place on a page of this package that packages above contribute to."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self.contributors: list[_Contributor] = []
        self.places: dict[str, list[tuple[int, str]]] = {}
        self.shared_sections: set[str] = set()

    def section(self, place: str, template: str, priority: int, shared: bool = False) -> None:
        """Show ``template`` (a package's own) at ``place`` on the page; lower priorities first.
        The page's template renders ``page_sections(hook, place)`` there and names no package.
        A ``shared`` section reads only what shared contributors provide (see the module)."""
        if shared:
            self.shared_sections.add(template)
        entries = self.places.setdefault(place, [])
        if any(t == template for _p, t in entries):
            return
        if any(p == priority for p, _t in entries):
            raise RuntimeError(f"{self.name}: two sections at {place} with priority {priority}")
        entries.append((priority, template))
        entries.sort()

    def sections(self, place: str) -> list[str]:
        return [template for _priority, template in self.places.get(place, [])]

    def add(
        self,
        function: Callable[..., dict],
        priority: int,
        provides: tuple[str, ...],
        shared: bool = False,
        reader: Callable[..., tuple] | None = None,
    ) -> None:
        """Contribute ``provides`` (the template names) to this page; lower priorities run first.
        ``shared``: the same for every reader with the same ``reader(sender, user)`` key."""
        name = f"{function.__module__}.{function.__qualname__}"
        if any(c.function is function for c in self.contributors):
            return  # wired again by another app in the same process
        taken = {key: c.name for c in self.contributors for key in c.provides}
        clash = sorted(set(provides) & set(taken))
        if clash:
            raise RuntimeError(f"{self.name}: {name} and {taken[clash[0]]} both provide {clash}")
        self.contributors.append(_Contributor(priority, name, tuple(provides), function, shared, reader))
        self.contributors.sort()

    def reader_key(self, sender: Any, user: Any) -> tuple:
        """What the shared contributors' names depend on for this reader (part of a kept piece's key)."""
        return tuple(c.reader(sender, user) if c.reader else () for c in self.contributors if c.shared)

    def context(self, sender: Any, shared: bool | None = None, **kwargs: Any) -> dict:
        """The contributors' names: all, or only the shared (``shared=True``) or the reader's own."""
        out: dict = {}
        for contributor in self.contributors:
            if shared is not None and contributor.shared != shared:
                continue
            part = contributor.function(sender, **kwargs) or {}
            unexpected = set(part) - set(contributor.provides)
            if unexpected:
                raise RuntimeError(f"{self.name}: {contributor.name} provides undeclared {sorted(unexpected)}")
            out.update(part)
        return out
