"""The first thing a cleaning worker of `storylens cluster` does: tie its life to its run's, then
keep the run's settings.

This module is the pool's initializer and imports nothing heavy, so that the tie is made before
the worker spends seconds importing the cleaning stack: a run killed meanwhile (SIGKILL, no
clean-up) must not leave workers behind. A pool worker holds both ends of its task pipe, so it
would otherwise notice its run was gone only once it had loaded everything and asked for work.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from storylens.config import Settings

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

settings: Settings | None = None  # the run's settings, in the run's process and its workers


def start(run_settings: Settings, parent: int) -> None:
    """Pool initializer: die with `parent`, keep `run_settings`."""
    die_with(parent)
    use(run_settings)


def use(run_settings: Settings) -> None:
    global settings
    settings = run_settings


def die_with(parent: int) -> None:
    """Linux kills this process when its parent dies (PR_SET_PDEATHSIG); a parent already gone
    (killed before this line ran) ends it now. Elsewhere the worker ends when it finds its task
    pipe closed."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


__all__ = ["die_with", "settings", "start", "use"]
