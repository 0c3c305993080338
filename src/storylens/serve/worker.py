"""The rebuild worker process's main loop, in a module that imports nothing heavy.

A spawned process imports the module of its target before running it: with the loop here, the
thread that ends the worker when its server dies starts at once, not after the pipeline's imports
(tens of seconds on a loaded machine, during which a SIGKILLed server would leave it behind). The
jobs' own modules are imported when their first job arrives.
"""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

PARENT_POLL_SECONDS = 0.5


def serve_jobs(connection: Connection, parent_pid: int) -> None:
    """Run the jobs the server sends: module-level functions (pickled by name) and their
    arguments, one at a time."""
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return  # the server closed its end, or died
        outcome: tuple[str, Any]
        try:
            outcome = ("ok", function(*args))
        except Exception as exc:  # reported to the server, which quarantines by isolation
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        connection.send(outcome)


def _exit_with_parent(parent_pid: int) -> None:
    """A worker whose server is gone (even by SIGKILL, when no cleanup runs) ends itself."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)
