"""Load: the real bot process against the Discord double, with the gateway dropped twice mid-run.

Sends N interactions (mixed /ask, /status and autocomplete) with concurrency C and prints answered
and failed counts, latency from dispatch to callback (p50, p95, p99, max), throughput and the bot's
peak RSS. Run: python bench/load_bench.py [-n 2000] [-c 50] [--also-sequential]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
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


def payload(i: int, rng: random.Random) -> dict:
    user = str(720000000000000000 + i)
    kind = i % 3
    if kind == 0:
        return P.command("ask", P.option("question", rng.choice(QUESTIONS)), user_id=user)
    if kind == 1:
        return P.command("status", P.option("state", rng.choice(STATES)), user_id=user)
    return P.autocomplete("status", P.option("state", rng.choice(PREFIXES), focused=True), user_id=user)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(n: int, concurrency: int, drops: int, seed: int) -> dict[str, float]:
    double = DiscordDouble(token=TOKEN)
    await double.start()
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "knowledge", tmp / "knowledge")
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "KNOWLEDGE_DIR": str(tmp / "knowledge"),
        "DATABASE_PATH": str(tmp / "facts.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *(["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []),
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.wait_for(double.ready.wait(), 30)
    await asyncio.sleep(2.5)  # discord.py waits guild_ready_timeout (2 s) before on_ready
    rng = random.Random(seed)
    payloads = [payload(i, rng) for i in range(n)]
    latencies: list[float] = []
    failed = 0
    semaphore = asyncio.Semaphore(concurrency)
    drop_at = {n * (k + 1) // (drops + 1) for k in range(drops)}

    async def one(index: int, data: dict) -> None:
        nonlocal failed
        async with semaphore:
            if index in drop_at:
                await double.drop_gateway(4000)
            future = double.expect_callback(data["id"])
            sent = time.perf_counter()
            await double.interaction(data)
            try:
                arrived = await asyncio.wait_for(future, 15)
                latencies.append(arrived - sent)
            except TimeoutError:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(i, data) for i, data in enumerate(payloads)))
    elapsed = time.perf_counter() - started
    rss = peak_rss_mb(process.pid)
    process.terminate()
    await process.wait()
    await double.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
        )

    return {
        "answered": len(latencies),
        "failed": failed,
        "p50": pct(0.5),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "rate": n / elapsed,
        "rss": rss,
        "resumes": double.resumes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="interactions to send")
    parser.add_argument("-c", type=int, default=50, help="concurrency")
    parser.add_argument("--drops", type=int, default=2, help="gateway drops during the run")
    parser.add_argument("--also-sequential", action="store_true", help="repeat the run at concurrency 1")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    runs = [args.c] + ([1] if args.also_sequential and args.c != 1 else [])
    print(
        f"{'concurrency':>11} {'answered':>9} {'failed':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'per s':>7} {'RSS MB':>7} {'resumes':>8}"
    )
    for concurrency in runs:
        r = asyncio.run(run(args.n, concurrency, args.drops, args.seed))
        print(
            f"{concurrency:>11} {r['answered']:>9} {r['failed']:>7} {r['p50']:>8.2f} {r['p95']:>8.2f} {r['p99']:>8.2f} "
            f"{r['max']:>8.2f} {r['rate']:>7.0f} {r['rss']:>7.1f} {r['resumes']:>8}"
        )


if __name__ == "__main__":
    main()
