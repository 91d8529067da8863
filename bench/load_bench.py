"""Load: the real bot process against the Discord double, beside a trivial /ping bot, gateway dropped mid-run.

Each bot runs as its own process (``python -m bot run``; ``python bench/trivial_bot.py``, a discord.py bot
whose one /ping command answers "pong") against a fresh Discord double on loopback, with the same number
of interactions, the same concurrency and the same gateway drops. The real bot gets mixed /ask, /status
and autocomplete interactions; the trivial bot gets /ping.

For each bot it prints answered and failed counts, latency from dispatch to callback (p50, p95, p99,
max), throughput, the longest stall, the bot's CPU time and interactions per CPU-second (per core: the
bot runs one event loop on one core), peak RSS and resumes; then the ratios real/trivial.

The stall is the longest time between two answers (callbacks reaching the double) during which at least
one interaction was in flight, dispatched and not yet answered: idle time is no stall, and the wait for the
first answer, while the bot takes in the first burst, counts as latency. At a steady rate the gap is a few
milliseconds; a pause of the bot's event loop (or of the double's) shows up as a stall of that length.
The double lag column says how late the double's own loop woke at worst (with --when, also how much of
the longest stall was the double's doing); the last, the CPU time of the bench's own process (the double
and the load): near the run's length, the double, not the bot, sets the pace. The double keeps no record
of the requests during the load, so that its garbage collections stay short.

Run: python bench/load_bench.py [-n 2000] [-c 50] [--drops 2] [--bot both|real|trivial|all] [--runs 3]
[--batch 200] [--also-sequential]. --bot all adds a third bot: the trivial one answering with a fixed embed
the size of an answer. The machine's noise (other processes, a virtual machine's stolen time) moves one
run's figures by a fifth either way: --runs K repeats the runs K times and gives each ratio's median and
range; --batch B starts the bots at once and sends them the load in turns of B interactions, so that they
meet the same spells of the machine (the ratios then move by less than a tenth).

With BENCH_PROFILE=out.prof the real bot runs under cProfile; with BENCH_TRACE=trace.txt each bot logs its
garbage collections over 5 ms and its event-loop callbacks over 20 ms to that file (one line each, with
time.perf_counter() times, which share the bench's clock).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import discord_payloads as P  # noqa: E402
from support.discord_double import DiscordDouble  # noqa: E402

TOKEN = "load-token-0123456789"
QUESTIONS = [
    "has Finland left?",
    "Is Poland a party?",
    "is ukraine still in",
    "How many states parties are there?",
    "Who has withdrawn?",
    "When did Tonga accede?",
    "Is the US a party?",
    "What does Article 20 say?",
    "Which Baltic states are still in?",
    "Lithunia status",
    "Was Estonia a party in 2020?",
]
STATES = ["Poland", "Finland", "Estonia", "Ukraine", "Canada", "Tonga", "United States", "Latvia"]
PREFIXES = ["po", "fin", "lat", "uk", "united", "ma", "sw", ""]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

TRACE_HOOK = """
import asyncio.events, gc, os, runpy, sys, time
out = open(os.environ["BENCH_TRACE"], "a", buffering=1)
name = os.path.basename(sys.argv[-1] if sys.argv[1] != "-m" else sys.argv[2])
clock = time.perf_counter
started = [0.0]
def on_gc(phase, info):
    if phase == "start":
        started[0] = clock()
    elif (took := clock() - started[0]) > 0.005:
        out.write(f"{name} gc {started[0]:.4f} {took * 1000:.1f} ms gen={info['generation']} "
                  f"collected={info['collected']}\\n")
gc.callbacks.append(on_gc)
run = asyncio.events.Handle._run
def timed(self):
    begin = clock()
    run(self)
    if (took := clock() - begin) > 0.02:
        owner = getattr(self._callback, "__self__", None)
        out.write(f"{name} slow {begin:.4f} {took * 1000:.1f} ms {self!r} {owner!r}\\n"[:600] + "\\n")
asyncio.events.Handle._run = timed
if sys.argv[1] == "-m":
    sys.argv = [sys.argv[2], *sys.argv[3:]]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


def real_payload(i: int, rng: random.Random) -> dict:
    user = str(720000000000000000 + i)
    kind = i % 3
    if kind == 0:
        return P.command("ask", P.option("question", rng.choice(QUESTIONS)), user_id=user)
    if kind == 1:
        return P.command("status", P.option("state", rng.choice(STATES)), user_id=user)
    return P.autocomplete("status", P.option("state", rng.choice(PREFIXES), focused=True), user_id=user)


def ping_payload(i: int, rng: random.Random) -> dict:
    return P.command("ping", user_id=str(720000000000000000 + i))


@dataclass(frozen=True)
class BotUnderTest:
    name: str
    argv: tuple[str, ...]
    payload: Callable[[int, random.Random], dict]
    env: tuple[tuple[str, str], ...] = ()


REAL = BotUnderTest("real", ("-m", "bot", "run"), real_payload)
TRIVIAL = BotUnderTest("trivial", (str(HERE / "trivial_bot.py"),), ping_payload)
EMBED = BotUnderTest("embed", TRIVIAL.argv, ping_payload, (("TRIVIAL_REPLY", "embed"),))


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux: /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)


def longest_stall(spans: list[tuple[float, float]]) -> tuple[float, float]:
    """The longest gap between two answers while an interaction was waiting for one, and when it began.

    ``spans`` are (dispatched, answered) pairs in seconds. The gap before answer i counts from the later of
    answer i-1 and the earliest dispatch among the interactions not yet answered then, so idle time (none
    in flight) is no stall; the wait for the very first answer is latency, not a stall."""
    spans = sorted(spans, key=lambda span: span[1])
    pending_since = [0.0] * len(spans)  # earliest dispatch among the interactions answered at or after i
    low = float("inf")
    for i in range(len(spans) - 1, -1, -1):
        low = min(low, spans[i][0])
        pending_since[i] = low
    longest, began = 0.0, float("nan")
    for i in range(1, len(spans)):
        start = max(spans[i - 1][1], pending_since[i])
        if spans[i][1] - start > longest:
            longest, began = spans[i][1] - start, start
    return longest, began


class LoopWatch:
    """When this process's event loop (the double's) woke late, and its longest GC pause."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.late: list[tuple[float, float]] = []  # (from, to): a wake-up late by to - from
        self.gc_max = 0.0
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_max = max(self.gc_max, time.perf_counter() - self._gc_started)

    async def _watch(self) -> None:
        while True:
            due = time.perf_counter() + self.tick
            await asyncio.sleep(self.tick)
            if (woke := time.perf_counter()) - due > 0.002:
                self.late.append((due, woke))

    def max_lag(self, windows: list[tuple[float, float]]) -> float:
        """How late the loop woke at worst, counting only wake-ups due within ``windows``."""
        return max(
            (woke - due for due, woke in self.late if any(a <= due <= b for a, b in windows)), default=0.0
        )

    def late_within(self, start: float, end: float) -> float:
        """Seconds between ``start`` and ``end`` in which this process's loop was late."""
        return sum(max(0.0, min(end, woke) - max(start, due)) for due, woke in self.late)

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._watch())

    def stop(self) -> None:
        gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()


async def start_bot(bot: BotUnderTest, double: DiscordDouble, tmp: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "KNOWLEDGE_DIR": str(tmp / "knowledge"),
        "DATABASE_PATH": str(tmp / "facts.sqlite3"),
        "LOG_LEVEL": "WARNING",
        **dict(bot.env),
    }
    launcher: list[str] = []
    if os.environ.get("BENCH_TRACE"):
        launcher = ["-c", TRACE_HOOK]
    elif os.environ.get("BENCH_PROFILE") and bot is REAL:
        launcher = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *launcher,
        *bot.argv,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


@dataclass
class Session:
    """One bot process, its own double, its interactions and what was measured while they were sent."""

    bot: BotUnderTest
    double: DiscordDouble
    tmp: Path
    process: asyncio.subprocess.Process
    payloads: list[dict]
    drop_at: set[int]
    watch: LoopWatch = field(default_factory=LoopWatch)
    spans: list[tuple[float, float]] = field(default_factory=list)
    dropped: list[float] = field(default_factory=list)
    failed: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0
    double_cpu: float = 0.0
    started: float = float("nan")
    windows: list[tuple[float, float]] = field(default_factory=list)  # when its load was being sent


async def open_session(bot: BotUnderTest, n: int, drops: int, seed: int) -> Session:
    """Start a double and the bot against it, and wait until the bot is ready."""
    double = DiscordDouble(token=TOKEN)
    await double.start()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "knowledge", tmp / "knowledge")
    process = await start_bot(bot, double, tmp)
    await asyncio.wait_for(double.ready.wait(), 30)
    await asyncio.sleep(2.5)  # discord.py waits guild_ready_timeout (2 s) before on_ready
    rng = random.Random(seed)
    payloads = [bot.payload(i, rng) for i in range(n)]
    drop_at = {n * (k + 1) // (drops + 1) for k in range(drops)}
    session = Session(bot, double, tmp, process, payloads, drop_at)
    session.watch.start()
    return session


async def drive(session: Session, indices: range, concurrency: int) -> None:
    """Send the interactions at ``indices``, ``concurrency`` at a time, and wait for their answers."""
    double, semaphore = session.double, asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        data = session.payloads[index]
        async with semaphore:
            if index in session.drop_at:
                session.dropped.append(time.perf_counter())
                await double.drop_gateway(4000)
            future = double.expect_callback(data["id"])
            sent = time.perf_counter()
            await double.interaction(data)
            try:
                session.spans.append((sent, await asyncio.wait_for(future, 15)))
            except TimeoutError:
                session.failed += 1
            double.requests.clear()  # nothing reads them: a growing record only lengthens the double's GC

    cpu_before, double_cpu_before = cpu_seconds(session.process.pid), time.process_time()
    started = time.perf_counter()
    if session.started != session.started:  # NaN: the first batch
        session.started = started
    await asyncio.gather(*(one(i) for i in indices))
    session.elapsed += time.perf_counter() - started
    session.windows.append((started, time.perf_counter()))
    session.cpu += cpu_seconds(session.process.pid) - cpu_before
    session.double_cpu += time.process_time() - double_cpu_before


async def close_session(session: Session) -> dict[str, float]:
    """Stop the bot and its double; what was measured."""
    session.watch.stop()
    rss = peak_rss_mb(session.process.pid)
    session.process.terminate()
    await session.process.wait()
    await session.double.stop()
    shutil.rmtree(session.tmp, ignore_errors=True)
    result = summarize(session.spans, failed=session.failed, elapsed=session.elapsed, cpu=session.cpu)
    stall_end = result["stall_began"] + result["stall"] / 1000
    watch = session.watch
    return result | {
        "double_late_in_stall": watch.late_within(result["stall_began"], stall_end) * 1000,
        "rss": rss,
        "resumes": session.double.resumes,
        "double_lag": watch.max_lag(session.windows) * 1000,
        "double_cpu": session.double_cpu,
        "double_gc": watch.gc_max * 1000,
        "started": session.started,
        "dropped": session.dropped,
    }


async def run(
    bots: tuple[BotUnderTest, ...], n: int, concurrency: int, drops: int, seed: int, *, batch: int = 0
) -> dict[str, dict[str, float]]:
    """Each bot's figures. With ``batch``, every bot runs at once against its own double, and the load
    goes to them in turns of ``batch`` interactions, so that a slow spell of the machine falls on both
    alike; without, one bot after the other."""
    results: dict[str, dict[str, float]] = {}
    if not batch:
        for bot in bots:
            session = await open_session(bot, n, drops, seed)
            gc.collect()
            gc.freeze()  # the payloads live to the end: keep them out of the double's collections
            await drive(session, range(n), concurrency)
            results[bot.name] = await close_session(session)
            gc.unfreeze()
        return results
    sessions = [await open_session(bot, n, drops, seed) for bot in bots]
    gc.collect()
    gc.freeze()  # the payloads live to the end: keep them out of the double's collections
    for start in range(0, n, batch):
        for session in sessions:
            await drive(session, range(start, min(n, start + batch)), concurrency)
    for session in sessions:
        results[session.bot.name] = await close_session(session)
    gc.unfreeze()
    return results


def summarize(
    spans: list[tuple[float, float]], *, failed: int, elapsed: float, cpu: float
) -> dict[str, float]:
    latencies = sorted(answered - sent for sent, answered in spans)

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
        )

    stall, stall_began = longest_stall(spans)
    answered = len(latencies)
    return {
        "answered": answered,
        "failed": failed,
        "p50": pct(0.5),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "rate": (answered + failed) / elapsed,
        "stall": stall * 1000,
        "stall_began": stall_began,
        "cpu": cpu,
        "per_core": answered / cpu if cpu else float("nan"),
    }


COLUMNS = (  # key, heading, width, format
    ("bot", "bot", 8, ""),
    ("concurrency", "concurrency", 11, ""),
    ("answered", "answered", 8, ""),
    ("failed", "failed", 6, ""),
    ("p50", "p50 ms", 7, ".1f"),
    ("p95", "p95 ms", 7, ".1f"),
    ("p99", "p99 ms", 7, ".1f"),
    ("max", "max ms", 7, ".1f"),
    ("rate", "per s", 6, ".0f"),
    ("stall", "stall ms", 8, ".1f"),
    ("cpu", "CPU s", 6, ".2f"),
    ("per_core", "per CPU-s", 9, ".0f"),
    ("rss", "RSS MB", 6, ".1f"),
    ("resumes", "resumes", 7, ""),
    ("double_lag", "double lag ms", 13, ".1f"),
    ("double_cpu", "double CPU s", 12, ".2f"),
)
RATIOS = {
    "rate": "throughput",
    "p50": "p50",
    "p99": "p99",
    "max": "max",
    "stall": "stall",
    "per_core": "per CPU-s",
}


def heading() -> str:
    return " ".join(f"{title:>{width}}" for _, title, width, _ in COLUMNS)


def row(values: dict[str, object]) -> str:
    return " ".join(f"{values[key]:>{width}{fmt}}" for key, _, width, fmt in COLUMNS)


def when(result: dict) -> str:
    """When the longest stall began and the gateway drops came, in seconds from the start of the load."""
    drops = ", ".join(f"{moment - result['started']:.2f}" for moment in result["dropped"]) or "none"
    return (
        f"    stall began {result['stall_began'] - result['started']:.3f} s in "
        f"(perf_counter {result['stall_began']:.4f}), the double's loop late for "
        f"{result['double_late_in_stall']:.1f} ms of it; double's longest GC {result['double_gc']:.1f} ms; "
        f"drops at {drops} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="interactions to send to each bot")
    parser.add_argument("-c", type=int, default=50, help="concurrency")
    parser.add_argument("--drops", type=int, default=2, help="gateway drops during each bot's run")
    parser.add_argument(
        "--bot",
        choices=("both", "real", "trivial", "all"),
        default="both",
        help="which bots to run; all adds the trivial bot answering with a fixed embed the size of an answer",
    )
    parser.add_argument("--also-sequential", action="store_true", help="repeat the runs at concurrency 1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--batch",
        type=int,
        default=0,
        help="run both bots at once and send them the load in turns of this many interactions",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="paired runs (trivial, then real); ratios as median and range"
    )
    parser.add_argument("--when", action="store_true", help="say when each longest stall and drop came")
    args = parser.parse_args()
    bots = {
        "both": (TRIVIAL, REAL),
        "real": (REAL,),
        "trivial": (TRIVIAL,),
        "all": (TRIVIAL, EMBED, REAL),
    }[args.bot]
    levels = [args.c] + ([1] if args.also_sequential and args.c != 1 else [])
    print(f"{args.n} interactions per bot, {args.drops} gateway drop(s); times in ms")
    print(heading())
    for concurrency in levels:
        runs: list[dict[str, float]] = []
        for _ in range(args.runs):
            results = asyncio.run(run(bots, args.n, concurrency, args.drops, args.seed, batch=args.batch))
            for name, result in results.items():
                print(row({"bot": name, "concurrency": concurrency, **result}), flush=True)
                if args.when:
                    print(when(result))
            if "real" in results and "trivial" in results:
                real, trivial = results["real"], results["trivial"]
                ratios = {key: real[key] / trivial[key] for key in RATIOS if trivial[key]}
                runs.append(ratios | {"real_stall": real["stall"]})
                print(
                    "real/trivial: "
                    + ", ".join(f"{RATIOS[key]} {value:.2f}x" for key, value in ratios.items())
                )
            if "embed" in results and "trivial" in results:
                embed, trivial = results["embed"], results["trivial"]
                print(
                    "embed/trivial: "
                    + ", ".join(f"{RATIOS[key]} {embed[key] / trivial[key]:.2f}x" for key in ("rate", "p99"))
                )
        if len(runs) > 1:
            print(summary_of(runs))


def summary_of(runs: list[dict[str, float]]) -> str:
    """The ratios over paired runs: median and range, and the real bot's longest stall in any run."""

    def spread(key: str) -> str:
        values = sorted(run[key] for run in runs if key in run)
        return f"{statistics.median(values):.2f}x ({values[0]:.2f}-{values[-1]:.2f})"

    return (
        f"over {len(runs)} paired runs: throughput {spread('rate')}, p99 {spread('p99')}, "
        f"per CPU-s {spread('per_core')}; real bot's longest stall {max(r['real_stall'] for r in runs):.1f} ms"
    )


if __name__ == "__main__":
    main()
