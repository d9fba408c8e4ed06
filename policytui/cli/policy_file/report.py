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


def final_lines(
    steps: list[Step], outcomes: list[Outcome], output_failed: bool = False
) -> list[str]:
    """The end of the run: all done, or what was written and what was not.

    The run stops at the first failed write, or (``output_failed``) when stdout refused
    the report of the last one; a write whose outcome is unknown is counted apart, not
    as "not written"."""
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
    failed = None if output_failed else outcomes[-1]
    unknown = 1 if failed is not None and failed.state is State.UNKNOWN else 0
    rest = steps[len(outcomes) :]
    why = (
        "Stopped: the output could not be written"
        if output_failed
        else "Stopped at the first failure"
    )
    counts = f"{len(done)} of {len(steps)} changes written, "
    if unknown:
        counts += f"1 unknown, {len(steps) - len(done) - 1} not."
    else:
        counts += f"{len(steps) - len(done)} not."
    lines = [f"{why}: {counts}", "Written:" if done else "Written: nothing."]
    lines.extend(f"  {_DONE[type(o.step)]}{_name(o.step, o.uuid)}{_where(o.step)}" for o in done)
    if failed is not None and unknown:
        lines.append("Unknown (may or may not be applied):")
        lines.append(
            f"  {_TODO[type(failed.step)]}{_name(failed.step, failed.uuid)}{_where(failed.step)}"
        )
    if rest or (failed is not None and not unknown):
        lines.append("Not written:")
    if failed is not None and not unknown:
        lines.append(
            f"  {_TODO[type(failed.step)]}{_name(failed.step, failed.uuid)}{_where(failed.step)}: "
            "failed"
        )
    for step in rest:
        uuid = step.stored.uuid if isinstance(step, Update | Delete) else None
        lines.append(f"  {_TODO[type(step)]}{_name(step, uuid)}{_where(step)}: not attempted")
    lines.append("Nothing was sent again. Fix the cause and apply the file again.")
    return lines
