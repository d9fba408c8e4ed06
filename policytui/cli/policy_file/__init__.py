"""The policy file of `policytui export` and `policytui apply`: a readable, stable document
of offering usage policies, checked with line numbers, planned against the server and
written step by step.

One module per idea: ``model`` (plain data both sides share), ``document`` (the export),
``located`` (YAML and JSON read with the line of every value), ``check`` (the file against
the server's catalog: every problem at once), ``plan`` (create / update / delete /
unchanged), ``render`` (the plan as people read it), ``server`` (reading what the plan
needs), ``writes`` (the writes, each read back), ``commands`` (the two commands).

Everything but ``server``, ``writes`` and ``commands`` is pure (no HTTP, no clock), and no
module imports httpx or pydantic at import time (tests/test_layering.py).
"""
