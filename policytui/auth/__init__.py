"""Sign-in, without a UI: used by the command line (`policytui login`, `status`...) and
by the app's sign-in screen alike. No Textual or rich here (tests/test_layering.py), and
nothing on the start-up path imports pydantic or httpx at the top.

- ``settings``: what a run was asked for (profile, URL, TLS, token storage, page size,
  watch), resolved once from the command line.
- ``config``: the profiles file (URL and TLS settings per profile, never a token).
- ``credentials``: where a token lives: the environment, the OS keyring, a 0600 file.
- ``secret``: the token type, which never shows its value.
- ``session``: a signed-in session (URL, token, where the token came from).
- ``check``: the sign-in check (``GET users/me/``) and its plain-words errors.
- ``resolve``: which session a run starts with (env > profile), or why there is none.
- ``no_keyring``: what to do when no OS keyring is usable.
"""
