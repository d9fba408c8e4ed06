"""Runs one of the shell's policy commands and turns how it ended into its exit code
(`connect.run_command`: a message on stderr, never a traceback, never the token)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policytui.cli.connect import run_command
from policytui.cli.policy_args import DeleteRequest, ListRequest, ShowRequest

if TYPE_CHECKING:
    from policytui.auth.settings import Settings


def run_policy_command(
    request: ListRequest | ShowRequest | DeleteRequest, settings: Settings
) -> int:
    if isinstance(request, ListRequest):
        from policytui.cli.list_command import cmd_list as command
    elif isinstance(request, ShowRequest):
        from policytui.cli.show_command import cmd_show as command
    else:
        from policytui.cli.delete_command import cmd_delete as command
    return run_command(command, request, settings)
