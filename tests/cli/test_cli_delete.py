"""`policytui delete`: names what goes, asks on the terminal (refuses without one unless
--yes), deletes each once, reads each back, and says how each ended."""

from __future__ import annotations

from cli_support import policies_on, status_of
from shell_run import run, run_in_terminal

from policytui.demo import DemoServer


def deletes(server: DemoServer) -> list[str]:
    return [r["path"] for r in server.requests() if r["method"] == "DELETE"]


def test_yes_deletes_each_once_and_reads_back(fresh: DemoServer) -> None:
    first, second, *rest = policies_on(fresh)
    fresh.clear_requests()
    done = run(fresh, "delete", first["uuid"], second["uuid"], "--yes")
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        f"deleted {first['uuid']} ({first['scope_name']})",
        f"deleted {second['uuid']} ({second['scope_name']})",
    ]
    assert done.err.startswith("Will delete 2 policies:\n")
    assert done.err.endswith("Deleted 2 of 2.\n")
    assert len(deletes(fresh)) == 2
    reads = [r for r in fresh.requests() if r["method"] == "GET" and first["uuid"] in r["path"]]
    assert [r["status"] for r in reads] == [200, 404]  # read to name it, then read back
    assert policies_on(fresh) == rest


def test_on_a_terminal_it_names_them_and_asks(fresh: DemoServer) -> None:
    first, second = policies_on(fresh)[:2]
    fresh.clear_requests()
    no = run_in_terminal(fresh, "delete", first["uuid"], second["uuid"], answer="n")
    assert no.code == 1 and "Cancelled: nothing was deleted." in no.out
    assert f"{first['uuid']}  {first['scope_name']} · " in no.out
    assert "Delete 2 policies? [y/N]" in no.out and deletes(fresh) == []
    yes = run_in_terminal(fresh, "delete", first["uuid"], answer="y")
    assert "Delete 1 policy? [y/N]" in yes.out
    assert yes.code == 0 and f"deleted {first['uuid']} ({first['scope_name']})" in yes.out
    assert status_of(fresh, first["uuid"]) == 404 and status_of(fresh, second["uuid"]) == 200


def test_a_failed_delete_is_not_retried_and_is_exit_1(fresh: DemoServer) -> None:
    first, second = (p["uuid"] for p in policies_on(fresh)[:2])
    fresh.add_fault(
        {"name": "status", "times": 1, "method": "DELETE", "path": first, "params": {"status": 500}}
    )
    fresh.clear_requests()
    done = run(fresh, "delete", first, second, "--yes")
    assert done.code == 1
    failed, deleted = done.out.splitlines()
    assert failed.startswith(f"failed {first}: ") and failed.endswith("it is still there")
    assert deleted.startswith(f"deleted {second} (")
    assert done.err.endswith("Deleted 1 of 2.\n")
    assert sum(first in path for path in deletes(fresh)) == 1
    assert status_of(fresh, first) == 200 and status_of(fresh, second) == 404


def test_without_a_terminal_or_yes_it_refuses(fresh_current: DemoServer) -> None:
    first = policies_on(fresh_current)[0]["uuid"]
    fresh_current.clear_requests()
    done = run(fresh_current, "delete", first)
    assert done.code == 2 and done.out == ""
    assert "No terminal to ask on: nothing was deleted. Pass --yes" in done.err
    assert deletes(fresh_current) == [] and status_of(fresh_current, first) == 200


def test_an_unknown_uuid_stops_before_any_write(fresh_current: DemoServer) -> None:
    first = policies_on(fresh_current)[0]["uuid"]
    fresh_current.clear_requests()
    done = run(fresh_current, "delete", first, "f" * 32, "--yes")
    assert done.code == 4 and done.out == ""
    assert "nothing was deleted" in done.err and "f" * 32 in done.err
    assert deletes(fresh_current) == [] and status_of(fresh_current, first) == 200


def test_a_token_rejected_mid_run_stops_it_with_3(fresh_current: DemoServer) -> None:
    first, second = (p["uuid"] for p in policies_on(fresh_current)[:2])
    fresh_current.add_fault({"name": "revoke_token", "method": "DELETE"})
    fresh_current.clear_requests()
    done = run(fresh_current, "delete", first, second, "--yes")
    assert done.code == 3
    assert done.out.splitlines() == [
        f"failed {first}: Not signed in: Invalid token. Sign in again with a valid API token.",
        f"not attempted {second}",
    ]
    assert done.err.endswith("Stopped: the token was rejected (401). Deleted 0 of 2.\n")
    assert len(deletes(fresh_current)) == 1
    assert status_of(fresh_current, first) == 200 and status_of(fresh_current, second) == 200


def test_with_stdin_not_a_terminal_it_asks_on_the_terminal(fresh_current: DemoServer) -> None:
    # `policytui delete UUID < /dev/null` and `echo y | policytui delete UUID` in a shell:
    # the question goes to the terminal (/dev/tty), and the answer typed there decides.
    first, second = (p["uuid"] for p in policies_on(fresh_current)[:2])
    fresh_current.clear_requests()
    nothing = run_in_terminal(fresh_current, "delete", first, answer="y", stdin="")
    assert "Delete 1 policy? [y/N]" in nothing.out, nothing.out
    assert nothing.code == 0 and f"deleted {first} (" in nothing.out
    # "y" waiting on stdin is not an answer: only the terminal's "n" is.
    piped = run_in_terminal(fresh_current, "delete", second, answer="n", stdin="y\n")
    assert piped.code == 1 and "Cancelled: nothing was deleted." in piped.out
    assert status_of(fresh_current, first) == 404 and status_of(fresh_current, second) == 200


def test_ctrl_c_at_the_question_is_130(fresh_current: DemoServer) -> None:
    first = policies_on(fresh_current)[0]["uuid"]
    done = run_in_terminal(fresh_current, "delete", first, answer="\x03")
    assert done.code == 130 and "Interrupted." in done.out
    assert deletes(fresh_current) == [] and status_of(fresh_current, first) == 200
