"""Push while deciding (``sync/run/_stream.py``): full batches go out at once, the rest at
the end with closes first, and a new task never precedes the close of its deal's old task."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from nextadvance.connectors import TaskState, WriteKind, WriteOp, WriteResult
from nextadvance.sync.run._report import RunReport
from nextadvance.sync.run._stream import Streamer
from nextadvance.sync.store import PlannedOp
from nextadvance.sync.store._db import StateStore
from nextadvance.sync.store._ledger import Ledger

NOW = datetime(2026, 12, 1, tzinfo=UTC)


class _Conn:
    """Records each apply call's kinds; every write succeeds; every task is found open."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, str]]] = []
        self.finds = 0

    def apply(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        self.calls.append([(o.kind.value, o.deal_id) for o in ops])
        return [WriteResult(key=o.key, ok=True, crm_id=f"c-{o.key}") for o in ops]

    def find_tasks(self, keys: Iterable[str]) -> dict[str, TaskState]:
        self.finds += 1
        return {
            k: TaskState(
                key=k,
                crm_id=f"c-{k}",
                deal_id=k.split(":")[0],
                subject="s",
                due=None,
                status="open",
                completed=False,
            )
            for k in keys
        }


def _op(kind: str, deal: str) -> PlannedOp:
    wk = WriteKind(kind)
    counted: Any = {"update_deal": "fields", "close_task": "closed"}.get(kind, "created")
    return PlannedOp(
        write=WriteOp(kind=wk, key=f"{deal}:{kind}", deal_id=deal),
        kind="fields" if kind == "update_deal" else "task",
        payload={},
        counted=counted,
    )


def _streamer(tmp_path: Any, conn: _Conn, size: int) -> tuple[Streamer, StateStore]:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    s = store.new_session()
    report = RunReport(connection="x", crm="salesforce", started_at=NOW)
    ledger = Ledger(s, "x")
    streamer = Streamer(
        conn,  # type: ignore[arg-type]
        ledger,
        batch_size=size,
        run_id=None,
        now=NOW,
        report=report,
        commit=s.commit,
    )
    return streamer, store


def test_full_batches_leave_while_deciding_and_the_rest_at_the_end(tmp_path: Any) -> None:
    conn = _Conn()
    st, store = _streamer(tmp_path, conn, size=3)
    st.add([_op("update_deal", f"d{i}") for i in range(4)])
    st.add([_op("upsert_task", f"d{i}") for i in range(2)])
    assert [len(c) for c in conn.calls] == [3]  # one full batch already sent
    st.add([_op("close_task", "x1")])
    assert st.finish()
    kinds = [c[0][0] for c in conn.calls]
    assert kinds == ["update_deal", "close_task", "update_deal", "upsert_task"]
    assert all(len({k for k, _ in c}) == 1 for c in conn.calls)  # one kind per call
    store.close()


def test_a_new_task_waits_for_the_close_of_its_deal(tmp_path: Any) -> None:
    conn = _Conn()
    st, store = _streamer(tmp_path, conn, size=2)
    st.add([_op("close_task", "d1")])
    st.add([_op("upsert_task", "d1"), _op("upsert_task", "d2")])  # full: about to go
    assert [c[0][0] for c in conn.calls] == ["close_task", "upsert_task"]
    assert st.finish()
    assert len(conn.calls) == 2
    store.close()
