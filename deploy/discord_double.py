"""Serve the test suite's Discord double on loopback until stopped, for checking the image's ``run``.

Prints one line, ``API_BASE GATEWAY_URL TOKEN``, once it listens; then logs each gateway op it receives.
Run it with the checkout's test environment: ``.venv/bin/python deploy/discord_double.py``.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.discord_double import DiscordDouble


async def main() -> None:
    double = DiscordDouble()
    await double.start()
    print(double.api_base, double.gateway_url, double.token, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print(f"identifies={double.identifies} requests={len(double.requests)}", flush=True)
    await double.stop()


if __name__ == "__main__":
    asyncio.run(main())
