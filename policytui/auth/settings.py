"""What a run was asked for, resolved once from the command line: which profile and
server, how to check TLS, where a new token may be stored, the page size, the watch and its
notifications.

The app, the sign-in screen and the commands receive this one object; none of them reads
the parsed arguments (whose attributes differ from one subcommand to another).
Standard library only: it is built before the first page is painted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    #: ``--profile``: None means the default profile.
    profile: str | None = None
    #: ``--url``, as typed (normalised where it is used, so a bad one reads as a message).
    url: str | None = None
    ca_bundle: str | None = None
    #: ``--insecure``: TLS certificates are not checked (a warning is shown all session).
    insecure: bool = False
    #: ``--insecure-storage``: a token may go to a 0600 file when no OS keyring is usable.
    insecure_storage: bool = False
    #: ``login --with-token``: the token comes from standard input, not a hidden prompt.
    with_token: bool = False
    #: ``--page-size``: None fits the page to the screen.
    page_size: int | None = None
    #: ``--watch``: seconds between refreshes, None for no watch.
    watch: float | None = None
    #: ``--notify``: a refresh that sees a policy fire (or its usage go over a limit) rings
    #: the terminal's bell and sends a desktop notification (OSC 9 and OSC 777).
    notify: bool = False
    #: ``--view NAME``: open the list with this saved view's filter and sort.
    view: str | None = None
    demo: bool = False
    demo_policies: int = 60
    demo_quirks: bool = False
