"""The terminal UI (Textual).

Textual paints a screen's changes on a frame timer, 60 frames a second by default. A
key's answer waits for the next frame, and after a pause that timer skips to the period
after next: the frame after a keystroke came 16 to 33 ms later. In `/` over 100 000
policies that wait was a third of a keystroke's repaint (issue 13). At 120 frames a
second it is 8 to 17 ms. A frame is painted only when something changed, so a screen at
rest costs nothing more, and a key held down still paints once a key.

Set here, before Textual is first imported (it reads the variable once, at import): every
module that imports Textual is in this package. A user's own ``TEXTUAL_FPS`` stays.
"""

import os

#: Frames a second, unless the user's environment says otherwise.
FRAMES_PER_SECOND = 120

os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
