"""The command line as a user meets it: exit codes 0/1/2/3, no traceback without -vv, and no
file name or field from an input that can inject into the terminal or the Markdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

from storylens import cli

BODY = (
    "The council voted on Tuesday to close the old bridge after engineers found cracks in two of "
    "its supports, officials said. Repairs are expected to take most of the year."
)
HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>.txt",
    "line\n# forged heading.txt",
    "esc\x1b]0;pwned\x07\x1b[2J.txt",
]


def storylens(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args], capture_output=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name in HOSTILE_NAMES:
        (folder / name).write_text("Too short to be an article.", encoding="utf-8")
    record = {"text": BODY, "title": "Bridge \x1b[31mshut\x1b[0m", "source": "Daily\x1b]52;c;cHduZWQ=\x07"}
    (folder / "feed.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_run(hostile_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, bytes, str]:
    markdown = tmp_path_factory.mktemp("out") / "brief.md"
    done = storylens("brief", str(hostile_folder), "--md", str(markdown))
    return done.returncode, done.stdout + done.stderr, markdown.read_text(encoding="utf-8")


def test_some_inputs_failed_exits_1_and_names_each(hostile_run: tuple[int, bytes, str]) -> None:
    code, output, _ = hostile_run
    assert code == 1
    text = output.decode()
    assert "onerror=alert(1)>.txt" in text and "forged heading.txt" in text and "pwned" in text
    assert "Traceback" not in text
    assert "Repairs are expected" in text  # the good article was briefed


def test_no_escape_sequence_reaches_the_terminal(hostile_run: tuple[int, bytes, str]) -> None:
    _, output, _ = hostile_run
    assert b"\x1b" not in output and b"\x07" not in output and b"\x9b" not in output
    assert b"Daily]52;c;cHduZWQ=" in output  # the outlet is shown, without its escape


def test_failed_file_names_cannot_inject_markdown(hostile_run: tuple[int, bytes, str]) -> None:
    from markdown_it import MarkdownIt

    _, _, markdown = hostile_run
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert all(not line.startswith("# forged") for line in headings)
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert "<img" not in html and "<h1>forged" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html  # shown as text
    assert "line # forged heading.txt" in html  # on the failure's own line
    assert "\x1b" not in markdown


def test_everything_briefed_exits_0() -> None:
    done = storylens("brief", str(EXAMPLES), "-q")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["brief"],
        ["brief", str(EXAMPLES), "--no-such-option"],
        ["brief", str(EXAMPLES), "--max-bytes", "lots"],
        ["cluster", str(EXAMPLES), "-o", "out.csv"],
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str]) -> None:
    code = cli.run(args)
    assert code == cli.EXIT_USAGE


def test_an_output_that_cannot_be_written_exits_2() -> None:
    unwritable = storylens("brief", str(EXAMPLES), "-q", "-o", "/proc/version/brief.html")
    assert unwritable.returncode == 2 and b"cannot write /proc/version/brief.html" in unwritable.stderr
    assert b"Traceback" not in unwritable.stderr


def test_a_bug_exits_3_and_says_where_to_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("an invariant broke\nsecond line")

    monkeypatch.setattr("storylens.pipeline.brief", broken)
    assert cli.run(["brief", str(EXAMPLES), "-q"]) == cli.EXIT_INTERNAL
    said = capsys.readouterr().err
    assert "internal error" in said and cli.ISSUES_URL in said and "-vv" in said
    assert "RuntimeError: an invariant broke" in said and "Traceback" not in said
    assert cli.run(["-vv", "brief", str(EXAMPLES), "-q"]) == cli.EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_still_gives_valid_json(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 report.txt")  # a Latin-1 byte: not UTF-8
    (folder / name).write_text("Bridge closed\n\n" + BODY, encoding="utf-8")
    out = tmp_path / "brief.json"
    done = storylens("brief", str(folder), "-q", "--json", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8
    origins = [a["origin"] for b in data["briefings"] for a in b["articles"]]
    assert origins == [str(folder / "caf\ufffd report.txt")]
