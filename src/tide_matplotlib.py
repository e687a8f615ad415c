"""tide's matplotlib backend for programs run in its sandbox.

There is no window there to show a figure in: plt.show() (or fig.show())
saves each open figure as a PNG in the program's folder instead --
Figure_1.png, Figure_2.png, ... as matplotlib's own windows name them when
saved -- a file the run wrote, which the IDE shows as a picture and
`tide run --json` lists in generated_files.  tide asks for it through
MPLBACKEND; a program that chooses a backend itself keeps its own.

Compiled into tide (src/exec.c) and written into each Python run.
"""
import io
import os

import matplotlib
from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

_saved = 0


def _png(figure):
    buf = io.BytesIO()
    figure.savefig(buf, format="png")
    return buf.getvalue()


def _save(figure):
    # The folder the program started in (PWD, which tide sets): it may
    # have changed its own since, and only that folder's files come back.
    # A figure saved already and unchanged since (fig.show(), then
    # plt.show(): its window would be open) is not saved twice.
    global _saved
    png = _png(figure)
    if getattr(figure, "_tide_png", None) == png:
        return
    folder = os.environ.get("PWD") or os.getcwd()
    while True:
        _saved += 1
        path = os.path.join(folder, "Figure_%d.png" % _saved)
        if not os.path.exists(path):
            break
    with open(path, "wb") as f:
        f.write(png)
    figure._tide_png = png


class FigureManager(FigureManagerBase):
    def show(self):
        _save(self.canvas.figure)


class FigureCanvas(FigureCanvasAgg):
    manager_class = FigureManager


def show(*args, block=None, **kwargs):
    # A blocking show returns when the windows are closed: the figures
    # are gone, and the next plt.plot starts a new one.  plt.pause() and
    # interactive mode (plt.ion()) show without blocking, the figures
    # staying: each frame of an animation that changed is saved.
    if block is None:
        block = not matplotlib.is_interactive()
    for manager in Gcf.get_all_fig_managers():
        _save(manager.canvas.figure)
    if block:
        Gcf.destroy_all()
