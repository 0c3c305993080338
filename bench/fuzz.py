"""Fuzz the command-line path with generated inputs: random bytes, mutated real files from
../shared/data and extreme values, in every format storylens reads and every JSON field.

Two passes over the same inputs:
1. every input alone through ingest and clean (`read_inputs`, `clean_batch`): it must end as an
   article or as failures each with a reason, and nothing may raise; the inputs made to test a
   limit and one in twenty of the others under tracemalloc, their peak memory compared with the
   byte limit (`--max-bytes`);
2. the first `--brief-folders` folders of FOLDER_SIZE inputs through the whole `pipeline.brief`
   (what `storylens brief FOLDER` runs), with the same checks after annotate and stories.

    .venv/bin/python bench/fuzz.py --count 10000 --max-bytes 1048576 --brief-folders 2

Prints a table per kind of input and the totals; exits 1 when an exception escaped, an input
was neither kept nor named, or an input's peak memory passed 4x the limit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from storylens.clean import clean_batch
from storylens.config import Settings, load_settings
from storylens.ingest import read_inputs
from storylens.pipeline import brief

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
MEMORY_FACTOR = 4  # the target: no input's peak memory above this many times the byte limit
FOLDER_SIZE = 250  # inputs per `brief` run in the second pass
MEASURE_EVERY = 20  # of the inputs not made to test a limit, the share whose memory is measured
SUFFIXES = [
    ".txt",
    ".md",
    ".html",
    ".json",
    ".jsonl",
    ".warc",
    ".txt.gz",
    ".html.gz",
    ".jsonl.gz",
    ".warc.gz",
]
FIELDS = ["text", "title", "date", "source", "url", "author"]
SENTENCE = (
    "Officials in Aldbridge said on Tuesday that the bridge would stay closed for repairs after "
    "engineers found cracks in two of its supports"
)


@dataclass
class Sample:
    kind: str
    suffix: str
    data: bytes


@dataclass
class Tally:
    inputs: int = 0
    measured: int = 0  # inputs whose peak memory was measured (see `_measured`)
    cleaned: int = 0  # inputs that gave at least one article
    refused: int = 0  # inputs that gave no article, every failure named with a reason
    unnamed: int = 0  # inputs that gave neither: silently lost
    uncaught: int = 0  # exceptions that escaped ingest/clean for this input
    peak_ratio: float = 0.0  # largest peak memory / byte limit
    first_use_loads: int = 0  # inputs whose first reading loaded library data over the target
    first_use_ratio: float = 0.0  # the largest such first reading / byte limit
    reasons: Counter[str] = field(default_factory=Counter)


# --- real material ----------------------------------------------------------------------------


def real_texts(data: Path, rng: random.Random, limit: int = 200) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of real files: news pages, plain articles, JSON lines."""
    found: list[tuple[str, bytes]] = []
    pages = sorted((data / "extraction" / "scrapinghub" / "html").glob("*.html.gz"))
    found += [(".html", gzip.decompress(p.read_bytes())) for p in rng.sample(pages, min(60, len(pages)))]
    dated = sorted((data / "dates" / "htmldate_mediacloud" / "test_set").glob("*.html"))
    found += [(".html", p.read_bytes()) for p in rng.sample(dated, min(40, len(dated)))]
    texts = sorted((data / "quotes" / "polnear" / "dev" / "text").glob("*.txt"))
    found += [(".txt", p.read_bytes()) for p in rng.sample(texts, min(60, len(texts)))]
    for lines in sorted((data / "timelines" / "timeline17").glob("*/articles.jsonl"))[:3]:
        with lines.open("rb") as handle:
            found += [(".jsonl", handle.readline()) for _ in range(10)]
    return found[:limit]


def synthetic_texts() -> list[tuple[str, bytes]]:
    """Stand-ins when ../shared/data is absent (the bench still runs, with less variety)."""
    body = ". ".join([SENTENCE] * 4) + "."
    page = f"<html><head><title>Bridge</title></head><body><article><p>{body}</p></article></body></html>"
    record = json.dumps({"text": body, "title": "Bridge", "date": "2024-05-01", "source": "Daily"})
    return [
        (".txt", f"Bridge closed\n\n{body}\n".encode()),
        (".html", page.encode()),
        (".jsonl", record.encode()),
    ]


# --- generators -------------------------------------------------------------------------------


def random_bytes(rng: random.Random, real: list[tuple[str, bytes]], limit: int) -> Sample:
    size = rng.choice([0, 1, 2, 16, 200, 4096, 65536])
    return Sample("random bytes", rng.choice(SUFFIXES), rng.randbytes(size))


def mutated_real(rng: random.Random, real: list[tuple[str, bytes]], limit: int) -> Sample:
    suffix, data = rng.choice(real)
    mutation = rng.choice(list(MUTATIONS))
    data = MUTATIONS[mutation](rng, data)
    return Sample(f"real, {mutation}", suffix, data)


def _flip_bits(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 50)):
        if buffer:
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def _insert(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + piece + data[at:]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "bit flips": _flip_bits,
    "truncated": lambda rng, data: data[: rng.randint(0, len(data))],
    "control characters": lambda rng, data: _insert(
        rng, data, bytes(rng.choice(range(32)) for _ in range(3))
    ),
    "escape sequences": lambda rng, data: _insert(rng, data, b"\x1b]0;pwned\x07\x1b[2J\x9b31m"),
    "invalid UTF-8": lambda rng, data: _insert(rng, data, b"\xff\xfe\xc3\x28\xed\xa0\x80"),
    "UTF-16 without BOM": lambda rng, data: data.decode("utf-8", "replace").encode("utf-16-le"),
    "UTF-16 big-endian": lambda rng, data: data.decode("utf-8", "replace").encode("utf-16-be"),
    "null bytes": lambda rng, data: _insert(rng, data, b"\x00" * rng.randint(1, 40)),
    "repeated": lambda rng, data: data * rng.randint(2, 20),
    "random chunk": lambda rng, data: _insert(rng, data, rng.randbytes(rng.randint(1, 2000))),
}


ODD_VALUES: list[object] = [
    {"a": 1}, ["x", 5], 5, 1e308, True, None, "", "NaN", "0001-01-01", "9999-12-31T23:59:59",
    "-5000-01-01", "2024-02-30", "\x1b[31mred", "<img src=x onerror=alert(1)>", "x" * 5000,
    [["nested"]], {"$date": "2024-01-01"}, "yesterday", "1e400",
]  # fmt: skip
BODY = f"{SENTENCE}. {SENTENCE}. {SENTENCE}."


def extreme(rng: random.Random, real: list[tuple[str, bytes]], limit: int) -> Sample:
    name = rng.choices(list(EXTREMES), weights=[w for w, _ in EXTREMES.values()])[0]
    suffix, data = EXTREMES[name][1](rng, limit)
    return Sample(f"extreme, {name}", suffix, data)


def _record(**fields: object) -> bytes:
    return json.dumps({"text": BODY, **fields}).encode()


def _wrong_field(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return rng.choice([".json", ".jsonl"]), _record(**{rng.choice(FIELDS): rng.choice(ODD_VALUES)})


def _nan_number(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".json", b'{"text": "' + BODY.encode() + b'", "date": NaN}'


def _deep_json(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".json", b"[" * 5000 + b"]" * 5000


def _lone_surrogate(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".json", b'{"text": "\\ud800 ' + BODY.encode() + b'", "source": "\\udfff"}'


def _many_records(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".json", b"[" + b",".join([_record()] * 2000) + b"]"


def _long_json_line(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".jsonl", _record() + b"\n{" + b" " * limit + b"}\n" + _record() + b"\n"


def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(max(size >> 20, 1))]
    return b"".join(parts) + compressor.flush()


def _bomb(suffix: str) -> Callable[[random.Random, int], tuple[str, bytes]]:
    return lambda rng, limit: (suffix, _gzip_bomb(8 * limit))


def warc(payload: bytes, uri: str | None = "https://news.example/a", headers: str = "") -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n".encode() + payload
    lines = [
        "WARC/1.0",
        "WARC-Type: response",
        "WARC-Record-ID: <urn:uuid:1>",
        "WARC-Date: 2024-05-01T00:00:00Z",
    ]
    lines += [f"WARC-Target-URI: {uri}"] if uri is not None else []
    lines += ["Content-Type: application/http; msgtype=response", f"Content-Length: {len(http)}"]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"


def _warc_gzip_bomb(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".warc", warc(_gzip_bomb(8 * limit), headers="Content-Encoding: gzip\r\n")


def _warc_deflate_bomb(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".warc", warc(zlib.compress(b"\0" * 8 * limit, 9), headers="Content-Encoding: deflate\r\n")


def _warc_without_uri(rng: random.Random, limit: int) -> tuple[str, bytes]:
    page = f"<p>{BODY}</p>".encode()
    return ".warc", warc(page, None) + warc(page)


def _broken_warc(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".warc", warc(f"<p>{BODY}</p>".encode())[: rng.randint(10, 400)]


def _empty(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return rng.choice(SUFFIXES), b""


def _whitespace(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return rng.choice(SUFFIXES), b" \n\t\r\n" * 50


def _over_byte_limit(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".txt", b"word " * (limit // 5 + 10)


def _over_article_limit(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".txt", (SENTENCE + ". ").encode() * 2000


def _long_sentence(rng: random.Random, limit: int) -> tuple[str, bytes]:
    words = SENTENCE.split()
    return ".txt", ("Long sentence\n\n" + " ".join(rng.choice(words) for _ in range(16_000)) + ".").encode()


def _html_controls(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".html", f"<html><title>a\x11b</title><body><p title='\x07'>{BODY}\x07 \x11</p></body>".encode()


def _odd_dates(rng: random.Random, limit: int) -> tuple[str, bytes]:
    date = rng.choice(["0001-01-01", "9999-12-31", "NaN", "31/31/2031", "2024-13-45"])
    return ".txt", f"date: {date}\n\n{BODY}".encode()


def _tiny_paragraphs(rng: random.Random, limit: int) -> tuple[str, bytes]:
    return ".txt", b"\n\n".join([b"Yes."] * 20000)


# kind -> (weight among the extremes, generator); the slow ones (a long text to annotate) rarer
EXTREMES: dict[str, tuple[float, Callable[[random.Random, int], tuple[str, bytes]]]] = {
    "wrong JSON field types": (40, _wrong_field),
    "JSON NaN number": (5, _nan_number),
    "deep JSON nesting": (5, _deep_json),
    "JSON lone surrogates": (5, _lone_surrogate),
    "JSON list of 2,000 records": (1, _many_records),
    "JSON line over the limit": (2, _long_json_line),
    "gzip bomb, text": (2, _bomb(".txt.gz")),
    "gzip bomb, JSON lines": (2, _bomb(".jsonl.gz")),
    "gzip bomb, WARC file": (2, _bomb(".warc.gz")),
    "WARC, gzip payload bomb": (2, _warc_gzip_bomb),
    "WARC, deflate payload bomb": (2, _warc_deflate_bomb),
    "WARC without target URI": (10, _warc_without_uri),
    "WARC, broken record": (10, _broken_warc),
    "empty": (10, _empty),
    "whitespace only": (10, _whitespace),
    "over the byte limit": (2, _over_byte_limit),
    "over the article limit": (2, _over_article_limit),
    "one 100k-character sentence": (0.5, _long_sentence),
    "HTML control characters": (20, _html_controls),
    "odd dates": (20, _odd_dates),
    "many tiny paragraphs": (1, _tiny_paragraphs),
}


LIMIT_TESTS = {
    f"extreme, {kind}"
    for kind in EXTREMES
    if "bomb" in kind or "limit" in kind or kind.startswith("JSON list")
}

GENERATORS: list[tuple[float, Callable[[random.Random, list[tuple[str, bytes]], int], Sample]]] = [
    (0.25, random_bytes),
    (0.45, mutated_real),
    (0.30, extreme),
]


# --- the two passes ---------------------------------------------------------------------------


def write_inputs(samples: list[Sample], folder: Path) -> dict[str, int]:
    """Each sample as a file, FOLDER_SIZE to a subfolder; file path -> sample number."""
    paths = {}
    for number, sample in enumerate(samples):
        sub = folder / f"batch{number // FOLDER_SIZE:03d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"input{number:05d}{sample.suffix}"
        path.write_bytes(sample.data)
        paths[str(path)] = number
    return paths


def read_pass(
    paths: dict[str, int], samples: list[Sample], settings: Settings, tallies: dict[str, Tally]
) -> None:
    """Every input alone through ingest and clean: each must end as an article or a named
    failure, none may raise; peak memory measured on some (see `_measured`)."""
    limit = settings.ingest.max_bytes
    for done, (path, number) in enumerate(paths.items(), start=1):
        if done % 1000 == 0:
            print(f"ingest and clean: {done:,} of {len(paths):,} inputs", file=sys.stderr, flush=True)
        tally = tallies[samples[number].kind]
        measure = _measured(samples[number], number, limit)
        peak, outcome, reason = _peak_reading(path, settings, measure)
        if isinstance(outcome, Exception):  # what the bench exists to find
            tally.uncaught += 1
            print(f"UNCAUGHT in ingest/clean: {path} ({samples[number].kind}): {outcome!r}", file=sys.stderr)
        elif outcome == "unnamed":
            tally.unnamed += 1
            print(f"UNNAMED: {path} ({samples[number].kind})", file=sys.stderr)
        else:
            setattr(tally, outcome, getattr(tally, outcome) + 1)
            if outcome == "refused":
                tally.reasons[_reason_kind(reason)] += 1
        if not measure:
            continue
        tally.measured += 1
        if peak > MEMORY_FACTOR * limit:
            # Libraries load tables on first use (a language's date words, a stop list): that is
            # the process's memory, not this input's. Read again, it shows what the input needs.
            tally.first_use_loads += 1
            tally.first_use_ratio = max(tally.first_use_ratio, peak / limit)
            peak, _, _ = _peak_reading(path, settings, True)
        tally.peak_ratio = max(tally.peak_ratio, peak / limit)


def _measured(sample: Sample, number: int, limit: int) -> bool:
    """Whether an input's memory is measured: every one made to test a limit (bombs, inputs over
    the byte limit) and one in MEASURE_EVERY of the rest (tracemalloc slows reading about
    threefold, and every input is read again, unmeasured, in the brief pass)."""
    return sample.kind in LIMIT_TESTS or len(sample.data) > limit or number % MEASURE_EVERY == 0


def _peak_reading(path: str, settings: Settings, measure: bool) -> tuple[int, str | Exception, str]:
    """Peak traced memory (0 unmeasured) while one input is read and cleaned, and what became of
    it: "cleaned" (an article), "refused" (failures with reasons), "unnamed", or the exception;
    and the first reason given."""
    reason = ""
    if measure:
        tracemalloc.start()
    try:
        raws, failures = read_inputs([path], settings.ingest)
        articles, cleaning_failures = clean_batch(raws, settings.clean)
        failures += cleaning_failures
        named = bool(failures) and all(f.reason.strip() for f in failures)
        outcome: str | Exception = "cleaned" if articles else "refused" if named else "unnamed"
        reason = failures[0].reason if failures else ""
    except Exception as exc:
        outcome = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] if measure else 0
        if measure:
            tracemalloc.stop()
    return peak, outcome, reason


def warm_up(settings: Settings, folder: Path) -> None:
    """One input of each format read first: models and tables that load on first use (language
    identification, date parsing) are not any input's memory."""
    for suffix, data in synthetic_texts():
        path = folder / f"warm-up{suffix}"
        path.write_bytes(data)
        _peak_reading(str(path), settings, True)
        path.unlink()


@dataclass
class BriefTally:
    folders: int = 0
    inputs: int = 0
    briefed: int = 0
    refused: int = 0
    unnamed: int = 0
    escaped: int = 0  # exceptions that escaped `pipeline.brief`
    reasons: Counter[str] = field(default_factory=Counter)


def brief_pass(paths: dict[str, int], settings: Settings, folders: int) -> BriefTally:
    """The first `folders` folders, each through `pipeline.brief` as `storylens brief` runs it."""
    tally = BriefTally()
    chosen = sorted({str(Path(p).parent) for p in paths})[:folders]
    for done, folder in enumerate(chosen, start=1):
        print(f"brief: folder {done} of {len(chosen)}", file=sys.stderr, flush=True)
        mine = [path for path in paths if path.startswith(folder + "/")]
        tally.folders += 1
        tally.inputs += len(mine)
        try:
            result = brief([folder], settings)
        except Exception as exc:
            tally.escaped += 1
            print(f"UNCAUGHT in brief: {folder}: {exc!r}", file=sys.stderr)
            continue
        briefed = {a.origin for b in result.briefings for a in b.articles}
        failed = {f.origin: f.reason for f in result.failures if f.reason.strip()}
        for path in mine:
            own = (path + ":", path + "#")
            if any(o == path or o.startswith(own) for o in briefed):
                tally.briefed += 1
            elif reasons := [r for o, r in failed.items() if o == path or o.startswith(own)]:
                tally.refused += 1
                tally.reasons[_reason_kind(reasons[0])] += 1
            else:
                tally.unnamed += 1
                print(f"UNNAMED after brief: {path}", file=sys.stderr)
    return tally


def _reason_kind(reason: str) -> str:
    words = reason.split("(")[0].split(";")[0].split()
    return " ".join(w for w in words[:6] if not any(ch.isdigit() for ch in w))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--max-bytes", type=int, default=1 << 20)
    parser.add_argument("--brief-folders", type=int, default=1000, help=f"folders of {FOLDER_SIZE} briefed")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--keep", type=Path, help="keep the generated inputs in this folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # dates refused with a warning would flood the table
    rng = random.Random(args.seed)
    real = real_texts(args.data, rng) if args.data.exists() else synthetic_texts()
    settings = load_settings(None, ingest={"max_bytes": args.max_bytes})
    weights = [w for w, _ in GENERATORS]
    samples = [rng.choices(GENERATORS, weights)[0][1](rng, real, args.max_bytes) for _ in range(args.count)]
    tallies: dict[str, Tally] = defaultdict(Tally)
    for sample in samples:
        tallies[sample.kind].inputs += 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="storylens-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        paths = write_inputs(samples, folder)
        warm_up(settings, folder)
        started = time.perf_counter()
        read_pass(paths, samples, settings, tallies)
        failed = report_reading(tallies, args, time.perf_counter() - started)
        started = time.perf_counter()
        briefs = brief_pass(paths, settings, args.brief_folders)
        failed |= report_briefing(briefs, time.perf_counter() - started)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


def report_reading(tallies: dict[str, Tally], args: argparse.Namespace, seconds: float) -> bool:
    """The table of the ingest-and-clean pass (printed before the slower brief pass); True when
    a target was missed."""
    header = ["kind of input", "inputs", "cleaned", "refused, named", "unnamed", "uncaught", "measured"]
    print("| " + " | ".join([*header, "peak memory / limit"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    total = Tally()
    for kind in sorted(tallies):
        t = tallies[kind]
        cells = [
            kind,
            t.inputs,
            t.cleaned,
            t.refused,
            t.unnamed,
            t.uncaught,
            t.measured,
            f"{t.peak_ratio:.2f}",
        ]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
        for name in ("inputs", "measured", "cleaned", "refused", "unnamed", "uncaught", "first_use_loads"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
        total.peak_ratio = max(total.peak_ratio, t.peak_ratio)
        total.first_use_ratio = max(total.first_use_ratio, t.first_use_ratio)
        total.reasons.update(t.reasons)
    cells = [total.inputs, total.cleaned, total.refused, total.unnamed, total.uncaught, total.measured]
    print("| **all** | " + " | ".join(f"**{c}**" for c in cells) + f" | **{total.peak_ratio:.2f}** |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nlimit {args.max_bytes:,} bytes; seed {args.seed}; ingest+clean pass {seconds:.0f} s; "
        f"process peak RSS {rss:,.0f} MiB (models included)."
    )
    print(
        f"{total.first_use_loads} inputs were read twice: their first reading passed {MEMORY_FACTOR}x "
        f"the limit (at most {total.first_use_ratio:.0f}x) because a library loaded data on first use; "
        "the table shows the second reading."
    )
    print("\nMost common reasons given for refused inputs:")
    for reason, count in total.reasons.most_common(12):
        print(f"- {reason}: {count}")
    sys.stdout.flush()
    return bool(total.uncaught or total.unnamed or total.peak_ratio > MEMORY_FACTOR)


def report_briefing(briefs: BriefTally, seconds: float) -> bool:
    print(
        f"\nThe whole `pipeline.brief`, {briefs.folders} folders of {FOLDER_SIZE}: {briefs.inputs} inputs, "
        f"{briefs.briefed} briefed, {briefs.refused} refused and named, {briefs.unnamed} unnamed, "
        f"{briefs.escaped} exceptions escaping ({seconds:.0f} s)."
    )
    return bool(briefs.escaped or briefs.unnamed)


if __name__ == "__main__":
    sys.exit(main())
