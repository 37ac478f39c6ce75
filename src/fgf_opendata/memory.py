"""Memory habits of the large outputs, on the ground floor so every output can use them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["cycle_collection_paused"]


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for a block that makes millions of objects and no cycles
    (the triples of a plan, the rows of its tables): each full collection walks every object
    alive, and they cost a fifth of a large build. Restored as it was when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
