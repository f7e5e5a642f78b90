"""Batching of concurrent requests: requests for the same signature of the same loaded version that arrive
while it is computing are gathered (for at most a short window) and computed as one call when it is done, and
each gets back its own rows. A request that finds the signature idle is computed at once, so batching adds no
wait when requests come one at a time.

Every request is checked on its own before it joins a batch, so a bad one is refused alone. Requests are
merged only when the signature's inputs and outputs all have a batch dimension and the requests' other
dimensions and dtypes agree; a merged call the model refuses is computed again request by request, so the
request at fault gets the error and the others their answers."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import numpy as np

from classicnets.serving.servable import RequestError, Signature, examples_in

Outputs = dict[str, np.ndarray]
InThread = Callable[[Callable[[], Any]], Awaitable[Any]]  # runs a function in a worker thread, awaits its result


@dataclass
class Waiting:
    """One request waiting for its batch: its inputs, its number of rows and where its outputs go."""

    arrays: dict[str, np.ndarray]
    rows: int
    future: asyncio.Future


@dataclass
class Batch:
    """The requests gathered so far for one signature and one shape of the other dimensions."""

    waiting: list[Waiting] = field(default_factory=list)
    rows: int = 0
    timer: asyncio.TimerHandle | None = None


class Batcher:
    """Gathers the requests that arrive while their signature computes, until it is done, `window_seconds` have
    passed or `max_rows` rows are gathered, and computes each gathering as one call."""

    def __init__(self, window_seconds: float, max_rows: int, in_thread: InThread,
                 observe: Callable[[Signature, int], None] = lambda signature, rows: None) -> None:
        self.window_seconds = window_seconds
        self.max_rows = max_rows
        self.in_thread = in_thread
        self.observe = observe  # told the rows of every call computed
        # per loaded signature (by identity, so versions and signatures never mix), per input layout
        self._batches: weakref.WeakKeyDictionary[Signature, dict[tuple, Batch]] = weakref.WeakKeyDictionary()
        self._mergeable: weakref.WeakKeyDictionary[Signature, bool] = weakref.WeakKeyDictionary()
        self._computing: weakref.WeakKeyDictionary[Signature, int] = weakref.WeakKeyDictionary()  # calls now
        self._running: set[asyncio.Task] = set()  # the event loop keeps only weak references to tasks

    async def compute(self, signature: Signature, arrays: dict[str, np.ndarray]) -> Outputs:
        """The outputs of `signature` for checked `arrays`, computed with the requests that arrive beside it."""
        rows = self.rows_of(signature, arrays)
        if rows is None or rows >= self.max_rows:
            self.observe(signature, rows if rows is not None else examples_in(arrays))
            return await self.in_thread(lambda: signature.compute(arrays))
        layout = tuple((name, array.shape[1:], array.dtype.str) for name, array in sorted(arrays.items()))
        batches = self._batches.setdefault(signature, {})
        batch = batches.get(layout)
        if batch is not None and batch.rows + rows > self.max_rows:
            self._start(signature, batches, layout)  # full: it goes now, this request starts the next one
            batch = None
        if batch is None:
            batch = batches[layout] = Batch()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        batch.waiting.append(Waiting(arrays, rows, future))
        batch.rows += rows
        if batch.rows >= self.max_rows or not self._computing.get(signature):
            self._start(signature, batches, layout)  # full, or nothing to wait for: the signature is idle
        elif batch.timer is None:
            batch.timer = loop.call_later(self.window_seconds, self._start, signature, batches, layout)
        return await future

    def rows_of(self, signature: Signature, arrays: dict[str, np.ndarray]) -> int | None:
        """The request's batch size if it can be merged with others, else None."""
        mergeable = self._mergeable.get(signature)
        if mergeable is None:
            specs = [*signature.inputs.values(), *signature.outputs.values()]
            mergeable = all(spec.shape.rank and spec.shape[0] is None for spec in specs)
            self._mergeable[signature] = mergeable
        sizes = {array.shape[0] if array.ndim else 0 for array in arrays.values()}
        if not mergeable or len(sizes) != 1 or 0 in sizes:
            return None
        return sizes.pop()

    def _start(self, signature: Signature, batches: dict[tuple, Batch], layout: tuple) -> None:
        """Take the batch of `layout` out of the gathering and compute it in a task of its own."""
        batch = batches.pop(layout, None)
        if batch is None:
            return
        if batch.timer is not None:
            batch.timer.cancel()
        self._computing[signature] = self._computing.get(signature, 0) + 1
        task = asyncio.get_running_loop().create_task(self._run(signature, batch.waiting))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, signature: Signature, waiting: list[Waiting]) -> None:
        """Compute a batch, then start what gathered meanwhile."""
        try:
            await self._compute_batch(signature, waiting)
        finally:
            self._computing[signature] -= 1
            batches = self._batches.get(signature, {})
            for layout in list(batches):
                self._start(signature, batches, layout)

    async def _compute_batch(self, signature: Signature, waiting: list[Waiting]) -> None:
        """Compute a batch and hand each request its rows; on a refusal, compute the requests one by one."""
        results: list[Outputs | Exception]
        if len(waiting) == 1:
            results = [await self._alone(signature, waiting[0])]
        else:
            try:
                self.observe(signature, sum(request.rows for request in waiting))
                results = await self.in_thread(lambda: compute_merged(signature, waiting))
            except RequestError:
                results = [await self._alone(signature, request) for request in waiting]
            except Exception as error:  # a bug of ours: every request of the batch hears of it
                results = [error] * len(waiting)
        for request, result in zip(waiting, results):
            if request.future.done():  # the client went away and its handler was cancelled
                continue
            if isinstance(result, Exception):
                request.future.set_exception(result)
            else:
                request.future.set_result(result)

    async def _alone(self, signature: Signature, request: Waiting) -> Outputs | Exception:
        """One request's outputs, or the error computing them raised."""
        self.observe(signature, request.rows)
        try:
            return await self.in_thread(lambda: signature.compute(request.arrays))
        except Exception as error:
            return error


def compute_merged(signature: Signature, waiting: list[Waiting]) -> list[Outputs]:
    """Compute the requests as one call: inputs joined along the batch dimension, outputs split back."""
    joined = {name: np.concatenate([request.arrays[name] for request in waiting]) for name in waiting[0].arrays}
    outputs = signature.compute(joined)
    total = sum(request.rows for request in waiting)
    if any(array.ndim == 0 or array.shape[0] != total for array in outputs.values()):
        raise RequestError(400, "the outputs do not have one row per input row")  # computed one by one instead
    ends = np.cumsum([request.rows for request in waiting])[:-1]
    split = {name: np.split(array, ends) for name, array in outputs.items()}
    return [{name: parts[index] for name, parts in split.items()} for index in range(len(waiting))]
