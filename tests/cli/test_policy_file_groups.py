"""Organization groups in a policy file: by name or by the parent-first path that
`list`, `show` and `export` print, so an exported file applies as it is."""

from __future__ import annotations

from export_apply_support import HPC, in_process

from policytui.cli.policy_file.check import check
from policytui.cli.policy_file.located import load
from policytui.cli.policy_file.model import (
    Catalog,
    Component,
    Features,
    GroupInfo,
    OfferingInfo,
)

ESTONIA = "39e5b879e7af5d4ca9fd8aae28a02df6"


def _file(groups: str) -> str:
    return f"""\
offerings:
- uuid: {HPC}
  policies:
  - actions: [notify_organization_owners]
    period: Total
    organization_groups: {groups}
    component_limits: [{{type: cpu, limit: 5}}]
"""


def test_a_group_by_its_path_or_its_name_applies(fresh_demo_server, tmp_path):
    for groups in (
        "['Baltics › Estonia']",
        "[Estonia]",
        f"[{{name: 'Baltics › Estonia', uuid: {ESTONIA}}}]",
    ):
        path = tmp_path / "p.yaml"
        path.write_text(_file(groups), encoding="utf-8")
        run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
        assert run.code == 0, (groups, run.err)
        assert "Baltics › Estonia" in run.out


def test_export_names_groups_as_list_and_show_do(fresh_demo_server):
    run = in_process(fresh_demo_server, "export")
    assert "- name: Baltics › Estonia\n" in run.out
    assert "- name: Estonia\n" not in run.out


def test_a_name_two_groups_share_asks_for_the_path():
    catalog = Catalog(
        offerings={HPC: OfferingInfo(HPC, "HPC", (Component("cpu", "CPU", "h"),))},
        groups={
            "a" * 32: GroupInfo("a" * 32, "Estonia", "Baltics › Estonia"),
            "b" * 32: GroupInfo("b" * 32, "Estonia", "Partners › Estonia"),
        },
        actions=("notify_organization_owners",),
        features=Features(),
    )
    root, problems = load(_file("[Estonia]"), "p.yaml")
    _, found = check(root, catalog)
    messages = [p.message for p in [*problems, *found]]
    assert any(
        "several organization groups are named 'Estonia': 'Baltics › Estonia' "
        f"({'a' * 32}), 'Partners › Estonia' ({'b' * 32}); give its path or uuid" in m
        for m in messages
    ), messages
    root, _ = load(_file("['Partners › Estonia']"), "p.yaml")
    wanted, found = check(root, catalog)
    assert found == [] and wanted[0].policies[0].values.organization_groups == ("b" * 32,)
