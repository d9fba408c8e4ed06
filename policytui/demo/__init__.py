"""A Waldur-compatible demo server for offering usage policies (Starlette + SQLite).

It keeps its own wire shapes and never imports the client (`policytui.api`), textual or
rich: if both sides shared a model, a bug in it would agree with itself.
"""

from policytui.demo.app import create_app
from policytui.demo.server import DemoServer
from policytui.demo.settings import DEMO_NOW, FAULT_NAMES, DemoSettings, Fault
from policytui.demo.users import OWNER_TOKEN, PLAIN_TOKEN, SAMPLE_USERS, STAFF_TOKEN

__all__ = [
    "DEMO_NOW",
    "FAULT_NAMES",
    "OWNER_TOKEN",
    "PLAIN_TOKEN",
    "SAMPLE_USERS",
    "STAFF_TOKEN",
    "DemoServer",
    "DemoSettings",
    "Fault",
    "create_app",
]
