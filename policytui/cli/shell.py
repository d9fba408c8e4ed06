"""Runs one of the shell's policy commands and turns how it ended into its exit code
(`connect.run_command`: a message on stderr, never a traceback, never the token).

A reader that stops early (`policytui list -o ndjson | head -1`) closes the pipe: that
is not an error of the command, so it ends quietly with exit 0 for a read; for `delete`,
whose report is its result, it is exit 1 and the deletes not yet sent are not sent.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from policytui.cli.connect import run_command
from policytui.cli.exit_codes import ExitCode
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
    try:
        return run_command(command, request, settings)
    except BrokenPipeError:
        # Nothing more can reach the reader; point stdout at /dev/null so the
        # interpreter's flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.FAILED if isinstance(request, DeleteRequest) else ExitCode.OK)
