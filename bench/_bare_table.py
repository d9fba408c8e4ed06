"""The floor for time to first page: a bare Textual app that paints a 300-row DataTable.

Rows look like policy rows (offering, actions, component limits, period, groups, fired,
created) so the table measures and paints about as much text as policytui's first page.
Run by bench/first_page.py under a pty; it stays up until the harness ends it, as
policytui does.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

OFFERINGS = ("Acme HPC Cluster", "Acme GPU Partition", "Nordic Cloud VMs", "Nordic Kubernetes")
COLUMNS = (
    "Offering",
    "Actions",
    "Component limits",
    "Period",
    "Organization groups",
    "Fired",
    "Created",
)


class BareTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(
            (
                OFFERINGS[i % len(OFFERINGS)],
                "Notify owners, Block orders" if i % 3 else "Notify owners",
                f"cpu {1000 + i} h, ram {2000 + i} GB·h",
                "1 month",
                "Research, Academia",
                "2 h ago" if i % 7 == 0 else "—",
                "2026-10-01",
            )
            for i in range(300)
        )


if __name__ == "__main__":
    BareTable().run()
