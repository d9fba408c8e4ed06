"""When stdout cannot take the output (a full disk: /dev/full; stdout closed): one line
on stderr and exit 5, never a traceback; a write command says on stderr what it did."""

from __future__ import annotations

import subprocess

import pytest
from cli_support import DAY, policies_on, status_of
from shell_run import POLICYTUI, assert_no_token, environment

from policytui.demo import STAFF_TOKEN, DemoServer

FULL = "cannot write the output: No space left on device"


def run_to(server: DemoServer, stdout: object, *args: str) -> subprocess.CompletedProcess:
    """The console script with stdout on ``stdout`` (a file, or None for closed)."""
    if stdout is None:
        done = subprocess.run(
            ["sh", "-c", '"$0" "$@" >&-', str(POLICYTUI), *args],
            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
            env=environment(server, STAFF_TOKEN), start_new_session=True,
        )  # fmt: skip
    else:
        done = subprocess.run(
            [str(POLICYTUI), *args],
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, text=True,
            timeout=60, env=environment(server, STAFF_TOKEN), start_new_session=True,
        )  # fmt: skip
    assert_no_token(done.stderr)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    return done


@pytest.mark.parametrize(
    "args",
    [("list", "-o", "json", *DAY), ("list", *DAY), ("export",), ("show", "UUID")],
)
def test_a_full_disk_is_one_line_and_exit_5(current: DemoServer, args: tuple[str, ...]) -> None:
    uuid = policies_on(current)[0]["uuid"]
    args = tuple(uuid if a == "UUID" else a for a in args)
    with open("/dev/full", "w") as full:
        done = run_to(current, full, *args)
    assert done.returncode == 5, done.stderr
    assert done.stderr.strip().splitlines()[-1] == FULL


def test_stdout_closed_is_exit_5(current: DemoServer) -> None:
    done = run_to(current, None, "list", "-o", "json", *DAY)
    assert done.returncode == 5, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "cannot write the output: standard output is closed"
    )


def test_delete_to_a_full_disk_reports_on_stderr_and_stops(fresh_current: DemoServer) -> None:
    first, second = (p["uuid"] for p in policies_on(fresh_current)[:2])
    with open("/dev/full", "w") as full:
        done = run_to(fresh_current, full, "delete", "--yes", first, second)
    assert done.returncode == 5, done.stderr
    lines = done.stderr.splitlines()
    at = lines.index(FULL)
    assert lines[at + 1].startswith(f"deleted {first} (")
    assert lines[at + 2 :] == [f"not attempted {second}", "Deleted 1 of 2."]
    assert status_of(fresh_current, first) == 404 and status_of(fresh_current, second) == 200


def test_apply_to_a_full_disk_writes_nothing(fresh_current: DemoServer, tmp_path) -> None:
    # The plan cannot be shown, so nothing is asked or written.
    import yaml

    document = yaml.safe_load(run_to_text(fresh_current, "export"))
    target = document["offerings"][0]["policies"][0]
    target["period"] = "Total" if target["period"] != "Total" else "12 months"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    fresh_current.clear_requests()
    with open("/dev/full", "w") as full:
        done = run_to(fresh_current, full, "apply", "-f", str(path), "--yes")
    assert done.returncode == 5 and done.stderr.strip().splitlines()[-1] == FULL
    assert [r for r in fresh_current.requests() if r["method"] != "GET"] == []


def run_to_text(server: DemoServer, *args: str) -> str:
    done = run_to(server, subprocess.PIPE, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_reader_that_stops_early_stays_quiet(current: DemoServer) -> None:
    done = subprocess.run(
        ["bash", "-c", '"$0" "$@" | head -c 1 > /dev/null; exit ${PIPESTATUS[0]}',
         str(POLICYTUI), "list", "-o", "ndjson", *DAY],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
        env=environment(current, STAFF_TOKEN), start_new_session=True,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == ""


def test_apply_whose_report_cannot_be_written_stops_and_reports_on_stderr(
    fresh_current: DemoServer, tmp_path
) -> None:
    # stdout a file that can hold the plan and no more (RLIMIT_FSIZE: a write past it
    # fails with EFBIG, as a full disk would): the first write's report fails.
    import resource

    import yaml
    from export_apply_support import HPC, writes

    document = yaml.safe_load(run_to_text(fresh_current, "export", "--offering", HPC))
    changed = document["offerings"][0]["policies"][:2]
    for entry in changed:
        entry["period"] = "Total" if entry["period"] != "Total" else "12 months"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    plan = run_to_text(fresh_current, "apply", "-f", str(path), "--dry-run").encode()
    limit = len(plan) + 1  # the plan and the blank line after it

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    fresh_current.clear_requests()
    with open(tmp_path / "out", "w") as out:
        done = subprocess.run(
            [str(POLICYTUI), "apply", "-f", str(path), "--yes"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, text=True,
            timeout=60, env=environment(fresh_current, STAFF_TOKEN), start_new_session=True,
            preexec_fn=small_files,
        )  # fmt: skip
    assert "Traceback" not in done.stderr
    assert done.returncode == 5, done.stderr
    first, second = (e["uuid"] for e in changed)
    lines = done.stderr.splitlines()
    assert lines[0] == "cannot write the output: File too large"
    assert lines[1].startswith(f"~ updated {first} (line ")
    assert "Stopped: the output could not be written: 1 of 2 changes written, 1 not." in lines
    assert any(
        line.startswith(f"  ~ update {second} ") and "not attempted" in line for line in lines
    )
    assert writes(fresh_current) == [
        ("PATCH", f"/api/marketplace-offering-usage-policies/{first}/")
    ]
