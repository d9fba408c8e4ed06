"""`python -m policytui`."""

from policytui.cli import main

raise SystemExit(main())
