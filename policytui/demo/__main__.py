"""`python -m policytui.demo`: the same as `policytui demo-server`."""

import sys

from policytui.demo.cli import serve

if __name__ == "__main__":
    sys.exit(serve())
