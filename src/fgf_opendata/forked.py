"""Running an independent gate in a forked child, on the other core, while this process works.

`fgf validate` runs frictionless (gate 1) and the linked-data gate (pyshacl and friends), which
share nothing: each reads the package's files for itself and returns findings. `start` forks
a child that computes `func(*args)` and pipes back the pickled result; `Pending.result` waits
for it. The child is an optimisation, never a different answer: where there is no `fork`
(Windows), when other threads run (forking them is unsafe), and when the child fails in any way
(an exception, a crash, a kill), `result` calls `func(*args)` in this process instead, so its
exception, if any, is raised here as it would be without the child.

Python's cycle collector is frozen (`gc.freeze`) across the fork, as Python's documentation
advises for a fork without exec: the objects alive then are left out of every collection in
both processes until the result is in. Each full collection would otherwise write to the
header of every one of them (the modules of frictionless, pydantic, the model: some hundred
thousand objects), and a write to a page the two processes share copies it, in the parent and
in the child alike. Once `result` or `cancel` returns, the collector is as it was.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Pending", "start"]

T = TypeVar("T")


class Pending(Generic[T]):
    """A computation started by `start`; `result()` once, or `cancel()`."""

    def __init__(
        self, func: Callable[[], T], pid: int | None, fd: int | None, frozen: bool = False
    ) -> None:
        self._func, self._pid, self._fd, self._frozen = func, pid, fd, frozen

    def _thaw(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def result(self) -> T:
        """The child's result, or `func`'s in this process when the child gave none."""
        data, ok = b"", False
        if self._pid is not None and self._fd is not None:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            ok = os.waitstatus_to_exitcode(status) == 0
            self._pid = self._fd = None
        self._thaw()
        if ok and data:
            value: T = pickle.loads(data)  # our own child's bytes
            return value
        return self._func()

    def cancel(self) -> None:
        """Kills and reaps the child (when this process gives up before asking its result)."""
        if self._pid is not None and self._fd is not None:
            os.close(self._fd)
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = self._fd = None
        self._thaw()


def start(
    func: Callable[..., T], *args: object, prepare: Callable[[], object] | None = None
) -> Pending[T]:
    """`func(*args)` begun in a forked child (or, without one, deferred to `result`).

    `prepare`, when given, runs in the child before `func`, and never in this process: for
    what only a process that ends with the result may do, such as importing a library without
    the parts `func` will not use. Should it fail, so does the child, and `result` computes
    `func(*args)` here."""

    def call() -> T:
        return func(*args)

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return Pending(call, None, None)
    # Freeze only when nothing is frozen yet: a caller's own frozen objects stay so.
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except BaseException:
        if frozen:
            gc.unfreeze()
        raise
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            if prepare is not None:
                prepare()
            payload = pickle.dumps(call(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            code = 0
        except BaseException:  # noqa: BLE001, S110 - the parent computes it again and raises
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    return Pending(call, pid, read_end, frozen)
