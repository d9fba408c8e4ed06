"""What `apply` says about the writes: each as it is done, and at the end what was written
and what was not (a failure stops the run, so a person knows exactly where it stands)."""

from __future__ import annotations

from policytui.cli.policy_file.plan import Create, Delete, Step, Update
from policytui.cli.policy_file.writes import Outcome, State

_DONE = {Create: "+ created", Update: "~ updated", Delete: "- deleted"}
_TODO = {Create: "+ create", Update: "~ update", Delete: "- delete"}


def _where(step: Step) -> str:
    return "" if isinstance(step, Delete) else f" (line {step.wanted.line})"


def _name(step: Step, uuid: str | None) -> str:
    return f" {uuid}" if uuid else ""


def outcome_lines(outcome: Outcome) -> list[str]:
    """One write as it happened, with the read-back's notes under it."""
    step = outcome.step
    kind = type(step)
    if outcome.state is State.APPLIED:
        lines = [f"{_DONE[kind]}{_name(step, outcome.uuid)}{_where(step)}"]
    elif outcome.state is State.NOT_APPLIED:
        lines = [f"FAILED {_TODO[kind]}{_name(step, outcome.uuid)}{_where(step)}: {outcome.error}"]
    else:
        lines = [
            f"UNKNOWN {_TODO[kind]}{_name(step, outcome.uuid)}{_where(step)}: {outcome.error}; "
            "it may or may not have been applied: check with `policytui export`"
        ]
    lines.extend(f"    note: {note}" for note in outcome.notes)
    return lines


def final_lines(steps: list[Step], outcomes: list[Outcome]) -> list[str]:
    """The end of the run: all done, or what was written and what was not."""
    done = [o for o in outcomes if o.done]
    if len(done) == len(steps):
        lines = [f"Applied {len(steps)} {'change' if len(steps) == 1 else 'changes'}."]
        created = [o for o in done if isinstance(o.step, Create)]
        if created:
            lines.append(
                "New policies: "
                + ", ".join(f"line {o.step.wanted.line} is {o.uuid}" for o in created)
                + ". Applying this file again finds them by their values; to change one "
                "later, add its `uuid:` to the file first."
            )
        return lines
    failed = outcomes[-1]
    rest = steps[len(outcomes) :]
    lines = [
        f"Stopped at the first failure: {len(done)} of {len(steps)} changes written, "
        f"{len(steps) - len(done)} not.",
        "Written:" if done else "Written: nothing.",
    ]
    lines.extend(f"  {_DONE[type(o.step)]}{_name(o.step, o.uuid)}{_where(o.step)}" for o in done)
    lines.append("Not written:")
    state = "failed, may or may not be applied" if failed.state is State.UNKNOWN else "failed"
    lines.append(
        f"  {_TODO[type(failed.step)]}{_name(failed.step, failed.uuid)}{_where(failed.step)}: "
        f"{state}"
    )
    for step in rest:
        uuid = step.stored.uuid if isinstance(step, Update | Delete) else None
        lines.append(f"  {_TODO[type(step)]}{_name(step, uuid)}{_where(step)}: not attempted")
    lines.append("Nothing was sent again. Fix the cause and apply the file again.")
    return lines
