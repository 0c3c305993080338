"""The processes below a process, read from Linux's /proc: for the benches (and tests) that check
that nothing outlives a run, or that sum a run's memory over its workers."""

from __future__ import annotations

from pathlib import Path


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # gone, or not ours to read
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    """Every living (not zombie) process started by `pid` or by its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        found = _state_and_parent(int(entry.name)) if entry.name.isdigit() else None
        if found is not None and found[0] != "Z":
            parents[int(entry.name)] = found[1]
    tree: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return tree


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` that still run (a zombie has ended)."""
    living = set()
    for pid in pids:
        found = _state_and_parent(pid)
        if found is not None and found[0] != "Z":
            living.add(pid)
    return living


def resident_bytes(pid: int) -> int:
    """VmRSS of a process; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
