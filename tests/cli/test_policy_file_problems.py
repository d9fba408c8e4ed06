"""`apply` lists every problem of a file at once, in the user's own words."""

from __future__ import annotations

from export_apply_support import HPC, in_process, writes

UUID_OF_DIGITS = "0" * 32


def _write(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_new_policy_on_a_2024_server_gets_all_its_problems_at_once(quirks_demo_server, tmp_path):
    path = _write(
        tmp_path,
        f"""\
offerings:
- uuid: {HPC}
  policies:
  - actions: [notify_organization_owners, no_such_action]
    period: Total
    organization_groups: [Nordics]
    component_limits: [{{type: cpu, limit: 5}}, {{type: ram, limit: 6}}]
    options: {{notify_external_user: ops@example.org}}
""",
    )
    run = in_process(quirks_demo_server, "apply", "-f", str(path), "--yes")
    assert run.code == 2
    lines = run.err.splitlines()
    assert lines[0].startswith(f"{path}:4: unknown action 'no_such_action'")
    assert lines[1].startswith(
        f"{path}:7: this server (a 2024 Waldur) keeps one component limit per policy"
    )
    assert lines[2] == f"{path}:8: this server has no options (a 2024 Waldur): remove them"
    assert lines[3] == f"3 problems in {path}: nothing was written."
    assert writes(quirks_demo_server) == []


def test_a_uuid_of_digits_is_quoted_as_written(fresh_demo_server, tmp_path):
    path = _write(
        tmp_path,
        f"""\
offerings:
- uuid: {HPC}
  policies:
  - uuid: {UUID_OF_DIGITS}
    actions: [notify_organization_owners]
    period: Total
    organization_groups: [Nordics]
    component_limits: [{{type: cpu, limit: 5}}]
""",
    )
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert (
        f"{path}:4: uuid {UUID_OF_DIGITS} was read as the number 0, not as text (a uuid of "
        f'digits only is a number to YAML): put it in quotes, "{UUID_OF_DIGITS}"'
    ) in run.err.splitlines()


def test_a_component_given_twice_is_said_with_its_bad_limit(fresh_demo_server, tmp_path):
    """The first cpu limit is text: both that and the second cpu limit are listed in the
    one run (the second was said only once the first was mended)."""
    path = _write(
        tmp_path,
        f"""\
offerings:
- uuid: {HPC}
  policies:
  - actions: [notify_organization_owners]
    period: Total
    organization_groups: [Nordics]
    component_limits:
    - {{type: cpu, limit: "250"}}
    - {{type: cpu, limit: 300}}
""",
    )
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    lines = run.err.splitlines()
    assert any(line.startswith(f"{path}:8: ") and "whole number" in line for line in lines)
    assert f"{path}:9: component 'cpu' has a limit already (line 8)" in lines
    assert lines[-1] == f"2 problems in {path}: nothing was written."
    assert writes(fresh_demo_server) == []


def test_a_misspelt_group_is_answered_with_the_one_meant(fresh_demo_server, tmp_path):
    path = _write(
        tmp_path,
        f"""\
offerings:
- uuid: {HPC}
  policies:
  - actions: [notify_organization_owners]
    period: Total
    organization_groups: [Nordix]
    component_limits: [{{type: cpu, limit: 5}}]
""",
    )
    run = in_process(fresh_demo_server, "apply", "-f", str(path), "--dry-run")
    assert run.code == 2
    assert (
        f"{path}:6: no organization group named 'Nordix' on the server (did you mean 'Nordics'?)"
    ) in run.err.splitlines()
