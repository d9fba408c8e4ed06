"""`policytui export` and `policytui apply` as a user meets them: the console script against
the demo server over loopback, in both behaviours (a current server and the 2024 one)."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from export_apply_support import (
    BALTICS,
    HPC,
    NORDICS,
    POLICIES,
    POLICYTUI,
    STAFF_TOKEN,
    api,
    exported,
    in_process,
    policies_of,
    policy,
    policytui,
    writes,
)
from shell_run import run_in_terminal

from policytui.demo import DemoServer, DemoSettings

GOLDEN = Path(__file__).with_name("golden")


@pytest.fixture(params=["current", "2024"])
def any_server(request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    """A fresh demo server of its own, in each behaviour (the 2024 one keeps one limit)."""
    with DemoServer(DemoSettings(quirks=request.param == "2024")) as server:
        yield server


def golden(name: str, text: str) -> str:
    """The stored golden output (rewritten with POLICYTUI_UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("POLICYTUI_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 1-based line of the first line holding ``needle``, from line ``start`` on."""
    for number, line in enumerate(text.splitlines(), 1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


# -- export ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "output"), [("current", "yaml"), ("2024", "yaml"), ("current", "json")]
)
def test_export_is_the_golden_document_and_byte_identical_twice(
    behaviour, output, fresh_demo_server, quirks_demo_server
):
    server = fresh_demo_server if behaviour == "current" else quirks_demo_server
    # The console script once; the other formats in this process (the same code).
    run = policytui if (behaviour, output) == ("current", "yaml") else in_process
    first = run(server, "export", "-o", output)
    second = exported(server, "-o", output)
    assert first.code == 0, first.err
    assert first.out == second
    assert first.out == golden(f"export-{behaviour}.{output}", first.out)
    for read_only in ("has_fired", "fired_datetime", "created:", "url", "created_by"):
        assert read_only not in first.out
    # Piped: no progress on stderr.
    assert first.err == ""


def test_export_of_one_offering_by_name_or_uuid(fresh_demo_server):
    by_name = policytui(fresh_demo_server, "export", "--offering", "Acme HPC Cluster")
    by_uuid = exported(fresh_demo_server, "--offering", HPC)
    assert by_name.code == 0, by_name.err
    assert by_name.out == by_uuid
    document = yaml.safe_load(by_name.out)
    assert [o["name"] for o in document["offerings"]] == ["Acme HPC Cluster"]
    assert len(document["offerings"][0]["policies"]) == len(policies_of(fresh_demo_server, HPC))


def test_an_unknown_offering_is_a_usage_error(fresh_demo_server):
    run = policytui(fresh_demo_server, "export", "--offering", "No Such Offering")
    assert run.code == 2
    assert run.out == ""
    assert "--offering: no offering you manage is named 'No Such Offering'" in run.err


@pytest.mark.parametrize("command", ["list", "export"])
def test_offering_is_read_the_same_by_list_and_export(fresh_demo_server, command):
    # One reading for every command: part of the name, any case; a uuid only if it is
    # an offering; ambiguity and unknowns are usage errors (a typo must not pass).
    part = policytui(fresh_demo_server, command, "--offering", "hpc cluster", "-o", "json")
    assert part.code == 0, part.err
    assert HPC in part.out
    unknown = policytui(fresh_demo_server, command, "--offering", "0" * 32)
    assert unknown.code == 2 and unknown.out == ""
    assert f"--offering: no offering you manage has the uuid {'0' * 32}" in unknown.err
    several = policytui(fresh_demo_server, command, "--offering", "acme")
    assert several.code == 2 and several.out == ""
    assert "--offering: 'acme' names " in several.err and "'Acme HPC Cluster' (" in several.err


# -- the plan, the writes, and the second apply ----------------------------------------------


def _edited(server, tmp_path: Path) -> tuple[Path, dict]:
    """The HPC offering's export with one change of every kind: a period, a limit and a
    group changed, a policy removed (for --prune), a policy added."""
    document = yaml.safe_load(exported(server, "--offering", HPC))
    policies = document["offerings"][0]["policies"]
    one_limit = [
        p for p in policies if len(p["component_limits"]) == 1 and "organization_groups" in p
    ]
    first, second, gone = one_limit[0], one_limit[1], one_limit[2]
    first["period"] = "Total" if first["period"] != "Total" else "3 months"
    second["component_limits"][0]["limit"] += 5
    second["organization_groups"] = [{"name": "Baltics", "uuid": BALTICS}]
    policies.remove(gone)
    policies.append(
        {
            "actions": ["notify_organization_owners"],
            "period": "1 month",
            "organization_groups": [{"name": "Nordics"}],
            "component_limits": [{"type": "cpu", "limit": 123456}],
        }
    )
    path = tmp_path / "policies.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path, {"first": first, "second": second, "gone": gone, "count": len(policies)}


def test_a_plan_shows_every_kind_of_change_and_writes_nothing(any_server, tmp_path):
    path, edits = _edited(any_server, tmp_path)
    text = path.read_text()
    first, second, gone = edits["first"], edits["second"], edits["gone"]
    any_server.clear_requests()
    run = in_process(any_server, "apply", "-f", str(path), "--dry-run", "--prune")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert f"  ~ update {first['uuid']} (line {line_of(text, first['uuid'])})" in lines
    assert f"  ~ update {second['uuid']} (line {line_of(text, second['uuid'])})" in lines
    assert f"      period: {_server_period(any_server, first['uuid'])} → {first['period']}" in lines
    old_limit = second["component_limits"][0]["limit"] - 5
    component = second["component_limits"][0]
    unit = f" {component['unit']}" if "unit" in component else ""
    assert (
        f"      component limits: {component['name']} {old_limit}{unit} → "
        f"{component['name']} {old_limit + 5}{unit}"
    ) in lines
    assert any(line.startswith("      organization groups: ") and line.endswith("→ Baltics")
               for line in lines)  # fmt: skip
    create_line = max(n for n, line in enumerate(text.splitlines(), 1) if "- actions:" in line)
    assert f"  + create (line {create_line})" in lines
    assert "      component limits: CPU 123456 core-hours" in lines
    assert f"  - delete {gone['uuid']} (not in the file; --prune)" in lines
    unchanged = edits["count"] - 3
    assert f"Plan: 1 to create, 2 to update, 1 to delete, {unchanged} unchanged." in lines
    assert writes(any_server) == []


def _server_period(server, uuid: str) -> str:
    words = {1: "Total", 2: "1 month", 3: "3 months", 4: "12 months"}
    return words[policy(server, uuid)["period"]]


def test_apply_writes_the_plan_reads_back_and_a_second_apply_says_no_changes(any_server, tmp_path):
    path, edits = _edited(any_server, tmp_path)
    first, second, gone = edits["first"], edits["second"], edits["gone"]
    before = {p["uuid"] for p in policies_of(any_server, HPC)}
    any_server.clear_requests()
    run = policytui(any_server, "apply", "-f", str(path), "--yes", "--prune")
    assert run.code == 0, run.err
    assert "Applied 4 changes." in run.out
    # Each write once, in the plan's order (deletes last), PATCH carrying only its fields.
    new = ({p["uuid"] for p in policies_of(any_server, HPC)} - before).pop()
    policies = "/api/marketplace-offering-usage-policies/"
    assert writes(any_server) == [
        ("PATCH", f"{policies}{first['uuid']}/"),
        ("PATCH", f"{policies}{second['uuid']}/"),
        ("POST", policies),
        ("DELETE", f"{policies}{gone['uuid']}/"),
    ]
    assert f"+ created {new} (line " in run.out
    period_number = {"Total": 1, "1 month": 2, "3 months": 3, "12 months": 4}[first["period"]]
    assert policy(any_server, first["uuid"])["period"] == period_number
    stored = policy(any_server, second["uuid"])
    assert stored["component_limits_set"][0]["limit"] == second["component_limits"][0]["limit"]
    assert [g.rstrip("/").rsplit("/", 1)[-1] for g in stored["organization_groups"]] == [BALTICS]
    assert policy(any_server, gone["uuid"]) is None
    made = policy(any_server, new)
    assert made["component_limits_set"] == [{"type": "cpu", "limit": 123456}]
    assert made["organization_groups"][0].rstrip("/").endswith(NORDICS)

    any_server.clear_requests()
    again = policytui(any_server, "apply", "-f", str(path), "--yes", "--prune")
    assert again.code == 0, again.err
    assert again.out.splitlines()[0] == f"No changes. {edits['count']} policies as the file says."
    assert f"is {new}" in again.out  # the new policy, found by its values
    assert writes(any_server) == []


def test_a_create_that_makes_the_policy_fire_says_so(fresh_demo_server, tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        f"offerings:\n- uuid: {HPC}\n  policies:\n"
        "  - actions: [notify_organization_owners]\n    period: Total\n"
        "    organization_groups: [Nordics]\n    component_limits:\n"
        "    - {type: cpu, limit: 0}\n",
        encoding="utf-8",
    )
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--yes")
    assert run.code == 0, run.err
    assert "    note: the server evaluated it on save: it has fired" in run.out.splitlines()


# -- every problem at once, with its line ------------------------------------------------------

BAD_FILE = f"""\
offerings:
- name: Acme HPC Cluster
  uuid: {HPC}
  policies:
  - actions: [notify_organization_owners, frobnicate]
    period: 2 weeks
    organization_groups:
    - name: Nowhere
    component_limits:
    - type: gpu
      limit: 5
    - type: cpu
      limit: 1.5
    - type: ram
      limit: 3000000000
    created: '2026-01-01'
  - actions: [notify_organization_owners]
    period: 1 month
    organization_groups:
    - name: Baltics
      uuid: {NORDICS}
    component_limits:
    - type: cpu
      limit: "250"
  - uuid: 0123456789abcdef0123456789abcdef
    actions: [notify_organization_owners]
    peroid: Total
    period: Total
    organization_groups: [Nordics]
    component_limits: [{{type: cpu, limit: 10}}]
- name: No Such Offering
  policies: []
"""


def test_every_problem_is_listed_with_its_line_and_nothing_is_written(fresh_demo_server, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_FILE, encoding="utf-8")
    fresh_demo_server.clear_requests()
    run = policytui(fresh_demo_server, "apply", "-f", str(path), "--yes")
    assert run.code == 2
    assert run.out == ""
    name = str(path)
    expected = [
        f"{name}:5: unknown action 'frobnicate': this server offers "
        "notify_organization_owners, notify_external_user, block_creation_of_new_resources",
        f"{name}:6: period '2 weeks' is not one of Total, 1 month, 3 months, 12 months",
        f"{name}:8: no organization group named 'Nowhere' on the server",
        f"{name}:10: Acme HPC Cluster has no component 'gpu' (it has cpu, ram, storage)",
        f"{name}:13: limit 1.5 is not a whole number from 0 to 2 147 483 647",
        f"{name}:15: limit 3000000000 is not a whole number from 0 to 2 147 483 647",
        f"{name}:16: 'created' is set by the server and cannot be written: remove it",
        f"{name}:20: organization group {NORDICS} is 'Nordics' on the server, not 'Baltics' "
        "(to use another group, give its name alone)",
        f"{name}:24: limit '250' is not a whole number from 0 to 2 147 483 647",
        f"{name}:27: unknown key 'peroid' in a policy (known: uuid, actions, period, "
        "organization_groups, apply_to_all, component_limits, options)",
        f"{name}:31: no offering named 'No Such Offering' among the offerings you manage",
        f"11 problems in {name}: nothing was written.",
    ]
    assert run.err.splitlines() == expected
    assert writes(fresh_demo_server) == []


def test_a_uuid_that_is_not_on_the_server_and_a_copy_are_problems(fresh_demo_server, tmp_path):
    document = yaml.safe_load(exported(fresh_demo_server, "--offering", HPC))
    policies = document["offerings"][0]["policies"]
    copy = {k: v for k, v in policies[0].items() if k != "uuid"}
    policies.append(copy)
    policies[1]["uuid"] = "f" * 32
    path = tmp_path / "p.yaml"
    text = yaml.safe_dump(document, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    copy_line = line_of(text, "- actions:")
    assert (
        f"{path}:{line_of(text, 'f' * 32)}: no policy {'f' * 32} on the server (deleted?): "
        "remove the uuid line to create it anew"
    ) in run.err.splitlines()
    assert any(
        line.startswith(f"{path}:{copy_line}: this policy is the same as the one on line ")
        for line in run.err.splitlines()
    ), run.err


def test_a_2024_server_keeps_one_limit_and_cannot_change_several(quirks_demo_server, tmp_path):
    document = yaml.safe_load(exported(quirks_demo_server, "--offering", HPC))
    policies = document["offerings"][0]["policies"]
    several = next(p for p in policies if len(p["component_limits"]) > 1)
    several["component_limits"][0]["limit"] += 1
    policies.append(
        {
            "actions": ["notify_organization_owners"],
            "period": "Total",
            "organization_groups": ["Nordics"],
            "apply_to_all": True,
            "options": {"notify_organization_owners": "x"},
            "component_limits": [{"type": "cpu", "limit": 10}, {"type": "ram", "limit": 20}],
        }
    )
    text = yaml.safe_dump(document, sort_keys=False)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    run = in_process(quirks_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    errors = run.err
    assert (
        "this server (a 2024 Waldur) cannot change the limits of a policy that holds several"
        in errors
    )
    assert "this server has no apply_to_all (a 2024 Waldur): list organization groups" in errors
    assert "this server has no options (a 2024 Waldur): remove them" in errors
    # Only checked once the other problems of that policy are gone: shown in a second round.
    policies[-1].pop("apply_to_all")
    policies[-1].pop("options")
    several["component_limits"][0]["limit"] -= 1
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    run = in_process(quirks_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert (
        "this server (a 2024 Waldur) keeps one component limit per policy: each limit sent "
        "overwrites the one before, so it would store only ram 20; list one limit"
    ) in run.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # libyaml and PyYAML word it a little differently; both name the line and the list.
        (
            "offerings:\n  - name: [unclosed\n",
            (":3: not valid YAML: ", "expected ',' or ']'", "flow sequence on line 2)"),
        ),
        ('{"offerings": [}', (":1: not valid JSON: Expecting value",)),
        ("", (": the file is empty: it needs `offerings:`",)),
    ],
    ids=["yaml", "json", "empty"],
)
def test_a_file_that_is_not_a_document_is_one_line(fresh_demo_server, tmp_path, text, message):
    path = tmp_path / ("p.json" if text.startswith("{") else "p.yaml")
    path.write_text(text, encoding="utf-8")
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert all(part in run.err.splitlines()[0] for part in message), run.err


# -- exit codes, refusal, the question ----------------------------------------------------------


def test_exit_codes(fresh_demo_server, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(exported(fresh_demo_server), encoding="utf-8")
    assert in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run").code == 0
    missing = policytui(fresh_demo_server, "apply", "-f", str(tmp_path / "nope.yaml"))
    assert missing.code == 2
    assert "Cannot read" in missing.err and "no such file or directory" in missing.err
    rejected = policytui(fresh_demo_server, "export", token="0" * 40)
    assert rejected.code == 3
    assert "The server rejected the token (401)" in rejected.err
    down = policytui(None, "export", url="http://127.0.0.1:9/api/")
    assert down.code == 4
    assert "Cannot reach 127.0.0.1:9" in down.err


def _one_change(server, tmp_path: Path) -> tuple[Path, str]:
    document = yaml.safe_load(exported(server, "--offering", HPC))
    target = document["offerings"][0]["policies"][0]
    target["period"] = "Total" if target["period"] != "Total" else "12 months"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path, target["uuid"]


def test_without_a_terminal_and_without_yes_it_refuses(fresh_demo_server, tmp_path):
    path, _ = _one_change(fresh_demo_server, tmp_path)
    fresh_demo_server.clear_requests()
    run = policytui(fresh_demo_server, "apply", "-f", str(path))
    assert run.code == 2
    assert "Plan: 0 to create, 1 to update, 0 to delete" in run.out
    assert "Not writing: there is no terminal to ask on. Add --yes" in run.err
    piped = policytui(fresh_demo_server, "apply", "-f", "-", stdin=path.read_text())
    assert piped.code == 2
    assert "add --yes to write, or --dry-run to see the plan" in piped.err
    assert writes(fresh_demo_server) == []
    yes = policytui(fresh_demo_server, "apply", "-f", "-", "--yes", stdin=path.read_text())
    assert yes.code == 0, yes.err
    assert "Applied 1 change." in yes.out


@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 1)])
def test_on_a_terminal_it_asks_first(fresh_demo_server, tmp_path, answer, code):
    path, uuid = _one_change(fresh_demo_server, tmp_path)
    fresh_demo_server.clear_requests()
    main, terminal = pty.openpty()
    env = {
        **os.environ,
        "WALDUR_API_URL": fresh_demo_server.api_url,
        "WALDUR_ACCESS_TOKEN": STAFF_TOKEN,
    }
    # Typed ahead: the terminal holds the line until the question reads it.
    os.write(main, f"{answer}\n".encode())
    try:
        done = subprocess.run(
            [str(POLICYTUI), "apply", "-f", str(path)],
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    finally:
        os.close(terminal)
        os.close(main)
    assert done.returncode == code, done.stderr
    assert "Apply 1 change? [y/N] " in done.stderr
    assert STAFF_TOKEN not in done.stdout + done.stderr
    if answer == "y":
        assert writes(fresh_demo_server) == [
            ("PATCH", f"/api/marketplace-offering-usage-policies/{uuid}/")
        ]
    else:
        assert "Apply cancelled: nothing was written." in done.stderr
        assert writes(fresh_demo_server) == []


def _with_stderr_on_a_terminal(server, *argv: str) -> tuple[subprocess.CompletedProcess, str]:
    """Run with stderr on a pseudo-terminal (stdout piped); what the terminal received."""
    main, terminal = pty.openpty()
    env = {**os.environ, "WALDUR_API_URL": server.api_url, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN}
    try:
        done = subprocess.run(
            [str(POLICYTUI), *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=60,
            env=env,
        )
        # The process has ended: all it wrote is in the terminal's buffer.
        os.set_blocking(main, False)
        chunks = []
        while True:
            try:
                chunks.append(os.read(main, 65536))
            except BlockingIOError:
                break
    finally:
        os.close(terminal)
        os.close(main)
    return done, b"".join(chunks).decode()


def test_progress_goes_to_a_terminal_only_and_quiet_silences_it(fresh_demo_server):
    done, seen = _with_stderr_on_a_terminal(fresh_demo_server, "export")
    assert done.returncode == 0
    assert "Reading policies: 60 of 60" in seen
    assert seen.endswith("\r\x1b[2K")  # the line is cleared at the end
    assert done.stdout == exported(fresh_demo_server)
    quiet, seen = _with_stderr_on_a_terminal(fresh_demo_server, "export", "--quiet")
    assert quiet.returncode == 0
    assert seen == ""
    assert STAFF_TOKEN not in seen + done.stdout


def test_help_has_examples_and_exit_codes():
    for command in ("export", "apply"):
        done = subprocess.run(
            [str(POLICYTUI), command, "--help"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0
        assert "examples:\n" in done.stdout
        assert "exit codes:\n  0  done" in done.stdout
        assert f"policytui {command} " in done.stdout


def test_options_before_the_command_are_kept():
    from policytui.cli import build_parser, settings_from

    for argv in (["--profile", "prod", "export"], ["export", "--profile", "prod"]):
        assert settings_from(build_parser().parse_args(argv)).profile == "prod"
    args = build_parser().parse_args(["--insecure", "apply", "-f", "p.yaml"])
    assert settings_from(args).insecure


def test_a_json_file_names_its_lines_too(fresh_demo_server, tmp_path):
    text = (
        "{\n"
        '  "offerings": [\n'
        "    {\n"
        f'      "uuid": "{HPC}",\n'
        '      "policies": [\n'
        "        {\n"
        '          "actions": ["notify_organization_owners"],\n'
        '          "period": "Total",\n'
        '          "period": "1 month",\n'
        '          "organization_groups": ["Nordics"],\n'
        '          "component_limits": [{"type": "cpu", "limit": -1}]\n'
        "        }\n"
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{path}:9: 'period' is given twice (also on line 8)",
        f"{path}:11: limit -1 is not a whole number from 0 to 2 147 483 647",
        f"2 problems in {path}: nothing was written.",
    ]


def test_a_policy_moved_to_another_offering_exports_and_applies_as_it_is(
    fresh_demo_server, tmp_path
):
    """Staff may move a policy to another offering; its limits still name the old
    offering's components. Left alone it applies as no change; writing them is refused."""
    nordic_vms = "63dc5f4af13e58f5b06ff688a799a088"  # cores, ram, disk: no cpu, no storage
    target = next(
        p
        for p in policies_of(fresh_demo_server, HPC)
        if [limit["type"] for limit in p["component_limits_set"]] in (["cpu"], ["storage"])
    )
    with api(fresh_demo_server) as client:
        scope = f"{fresh_demo_server.api_url}marketplace-provider-offerings/{nordic_vms}/"
        moved = client.patch(f"/api/marketplace-offering-usage-policies/{target['uuid']}/",
                             json={"scope": scope})  # fmt: skip
    assert moved.status_code == 200, moved.text
    text = exported(fresh_demo_server, "--offering", nordic_vms)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run").out.startswith(
        "No changes."
    )
    stray = target["component_limits_set"][0]
    edited = text.replace(
        f"      limit: {stray['limit']}\n", f"      limit: {stray['limit'] + 1}\n"
    )
    path.write_text(edited, encoding="utf-8")
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert (
        f"Nordic Cloud VMs has no component {stray['type']!r} (it has cores, ram, disk)" in run.err
    )


def _in_terminal(server, *argv: str, answer: str, stdin: str | None = None):
    return run_in_terminal(server, *argv, answer=answer, stdin=stdin, columns=200)


def test_with_stdin_not_a_terminal_it_asks_on_the_terminal(fresh_demo_server, tmp_path):
    # `policytui apply -f p.yaml < /dev/null` in a shell asks on /dev/tty.
    path, uuid = _one_change(fresh_demo_server, tmp_path)
    fresh_demo_server.clear_requests()
    done = _in_terminal(fresh_demo_server, "apply", "-f", str(path), answer="y", stdin="")
    assert "Apply 1 change? [y/N]" in done.out, done.out
    assert done.code == 0 and "Applied 1 change." in done.out
    assert writes(fresh_demo_server) == [("PATCH", f"{POLICIES}{uuid}/")]


def test_ctrl_c_at_the_question_is_130_and_writes_nothing(fresh_demo_server, tmp_path):
    path, _ = _one_change(fresh_demo_server, tmp_path)
    fresh_demo_server.clear_requests()
    done = _in_terminal(fresh_demo_server, "apply", "-f", str(path), answer="\x03")
    assert done.code == 130 and "Interrupted." in done.out
    assert writes(fresh_demo_server) == []
