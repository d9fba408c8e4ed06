"""The live state of one demo app: settings, store, faults and the request log."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

from policytui.demo import sample
from policytui.demo.consumers import SAMPLE_CUSTOMERS
from policytui.demo.settings import DemoSettings, Fault
from policytui.demo.store import Store
from policytui.demo.usage_sample import SampleDigest, plan_usage
from policytui.demo.usage_store import UsageStore

DEFAULT_ACTIONS = (
    "block_creation_of_new_resources",
    "notify_external_user",
    "notify_organization_owners",
)
QUIRKS_ACTIONS = ("block_creation_of_new_resources", "notify_organization_owners")


class DemoState:
    def __init__(self, settings: DemoSettings) -> None:
        self.settings = settings
        self.store = Store(settings.db_path)
        digest: SampleDigest | None = None
        # A file database that already holds policies is served as it is.
        if self.store.is_empty():
            digest = SampleDigest()
            self.store.insert_many(sample.generate(settings, digest))
        self.store.create_indexes()
        # Usage is made afresh on every start (in memory), consistent with the sample
        # policies when they were made here (against a kept database, without the chosen
        # cases), and only when first asked for: a start with 100 000 policies does not wait.
        self._digest = digest
        self._usage: UsageStore | None = None
        self.usage_cases: dict[str, list[str]] = {}
        self._usage_lock = threading.Lock()
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        #: Bumped by :meth:`release_held`: a "timeout" fault's request held since an
        #: earlier count is answered at once.
        self.releases = 0
        # Its own Random, so injected errors do not disturb the sample data's sequence.
        self._error_rng = random.Random(settings.seed ^ 0x5EED)

    @property
    def usage(self) -> UsageStore:
        with self._usage_lock:
            if self._usage is None:
                customers = self.settings.customers or SAMPLE_CUSTOMERS
                amounts, self.usage_cases = plan_usage(self.settings.seed, self._digest, customers)
                store = UsageStore(customers)
                store.load(amounts.items(), self.today())
                self._usage, self._digest = store, None
            return self._usage

    def today(self) -> date:
        """The server's date.today(): fixed by the settings, else the wall clock (UTC)."""
        return self.settings.today or datetime.now(UTC).date()

    @property
    def quirks(self) -> bool:
        return self.settings.quirks

    @property
    def available_actions(self) -> tuple[str, ...]:
        return QUIRKS_ACTIONS if self.settings.quirks else DEFAULT_ACTIONS

    # -- faults ---------------------------------------------------------------
    def set_faults(self, faults: list[Fault | dict[str, Any]]) -> None:
        parsed = [f if isinstance(f, Fault) else Fault.from_dict(f) for f in faults]
        with self._lock:
            self.settings.faults[:] = parsed

    def add_fault(self, fault: Fault | dict[str, Any]) -> None:
        parsed = fault if isinstance(fault, Fault) else Fault.from_dict(fault)
        with self._lock:
            self.settings.faults.append(parsed)

    def clear_faults(self) -> None:
        self.set_faults([])

    def release_held(self) -> None:
        """Answer every request a "timeout" fault holds now, without waiting out its
        seconds (a test holds a page for as long as it needs, not for a guessed time)."""
        with self._lock:
            self.releases += 1

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self.settings.faults)

    def take_fault(self, fault: Fault) -> bool:
        """Consume one use of `fault`; False if it ran out meanwhile."""
        with self._lock:
            # Identity, not equality: two equal faults are two separate budgets.
            if not any(f is fault for f in self.settings.faults):
                return False
            if fault.times is not None:
                if fault.times <= 0:
                    return False
                fault.times -= 1
                if fault.times == 0:
                    self.settings.faults[:] = [f for f in self.settings.faults if f is not fault]
            return True

    def set_latency(self, ms: float) -> None:
        self.settings.latency_ms = float(ms)

    def set_error_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("error_rate must be within 0..1")
        self.settings.error_rate = float(rate)

    def roll_error(self) -> bool:
        rate = self.settings.error_rate
        if rate <= 0:
            return False
        with self._lock:
            return self._error_rng.random() < rate

    # -- request log ----------------------------------------------------------
    def log_request(self, method: str, path: str, query: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": query,
            "status": None,
            "time": time.time(),
        }
        with self._lock:
            self._requests.append(entry)
        return entry

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._requests]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
