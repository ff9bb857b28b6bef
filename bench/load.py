"""Interleaved load over several servers: latency at concurrency 1, throughput at concurrency N.

Pure Python (``http.client``, one keep-alive connection per client thread and server, reopened when a
server closes it as gunicorn's sync workers do). Targets and endpoints are rotated every round, so that slow
drift of the machine (other load, caches warming, autovacuum) falls on every cell alike. Warm-up rounds are
not counted.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Cell:
    """What one endpoint on one target measured."""

    latencies_ms: list[float] = field(default_factory=list)
    requests: int = 0  # at concurrency N
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float | None:
        if not self.latencies_ms:
            return None
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[round(share * 100) - 1]

    @property
    def per_second(self) -> float | None:
        return self.requests / self.seconds if self.seconds else None


class Client:
    """One HTTP/1.1 connection to one server, reopened when it closes."""

    def __init__(self, base: str, timeout: float):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()  # the server closed an idle keep-alive connection: once more, on a new one
            self.connection.request("GET", path)
            response = self.connection.getresponse()
        body = response.read()
        if response.will_close:
            self.connection.close()
        return response.status, body

    def close(self) -> None:
        self.connection.close()


def rotated(items: list, by: int) -> list:
    by %= len(items) or 1
    return items[by:] + items[:by]


class Run:
    """``plan[endpoint][target]`` is the path to request (None: that target has no equivalent)."""

    def __init__(self, bases: dict[str, str], plan: dict[str, dict[str, str | None]], timeout: float = 120):
        self.bases, self.plan, self.timeout = bases, plan, timeout
        self.cells: dict[tuple[str, str], Cell] = defaultdict(Cell)

    def cells_in_order(self, round_number: int):
        endpoints = rotated(list(self.plan), round_number)
        for index, endpoint in enumerate(endpoints):
            for target in rotated(list(self.bases), round_number + index):
                if self.plan[endpoint].get(target):
                    yield endpoint, target

    def check(self, target: str, status: int, body: bytes, path: str) -> str | None:
        if status != 200:
            return f"{target} {path}: {status} {body[:200]!r}"
        return None

    def latency(self, *, warmup_rounds: int, samples: int, budget_seconds: float, log=print) -> None:
        """Concurrency 1: one request at a time, round after round, until every cell has ``samples`` or the
        budget is spent (each cell has at least one sample either way)."""
        clients = {target: Client(base, self.timeout) for target, base in self.bases.items()}
        deadline = time.monotonic() + budget_seconds
        round_number = 0
        try:
            while True:
                counted = round_number >= warmup_rounds
                for endpoint, target in self.cells_in_order(round_number):
                    path = self.plan[endpoint][target]
                    started = time.perf_counter()
                    status, body = clients[target].get(path)
                    elapsed = (time.perf_counter() - started) * 1000
                    cell = self.cells[endpoint, target]
                    if problem := self.check(target, status, body, path):
                        cell.errors.append(problem)
                    elif counted:
                        cell.latencies_ms.append(elapsed)
                round_number += 1
                if counted and (
                    time.monotonic() > deadline
                    or all(len(self.cells[key].latencies_ms) >= samples for key in self.cells_in_order(0))
                ):
                    break
                if round_number % 10 == 0:
                    log(f"  concurrency 1: round {round_number}", flush=True)
        finally:
            for client in clients.values():
                client.close()

    def throughput(self, *, concurrency: int, rounds: int, slice_seconds: float, log=print) -> None:
        """Concurrency N: for each cell in turn, N threads request it for ``slice_seconds``, ``rounds`` times."""
        for round_number in range(rounds):
            log(f"  concurrency {concurrency}: round {round_number + 1} of {rounds}", flush=True)
            for endpoint, target in self.cells_in_order(round_number):
                self.burst(endpoint, target, concurrency, slice_seconds)

    def burst(self, endpoint: str, target: str, concurrency: int, slice_seconds: float) -> None:
        path, cell = self.plan[endpoint][target], self.cells[endpoint, target]
        done, ended, lock = [0], [], threading.Lock()
        start = time.monotonic()
        until = start + slice_seconds

        def client_thread():
            client = Client(self.bases[target], self.timeout)
            try:
                while time.monotonic() < until:
                    status, body = client.get(path)
                    with lock:
                        if problem := self.check(target, status, body, path):
                            cell.errors.append(problem)
                        else:
                            done[0] += 1
            finally:
                client.close()
                with lock:
                    ended.append(time.monotonic())

        threads = [threading.Thread(target=client_thread, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cell.requests += done[0]
        cell.seconds += max(ended) - start
