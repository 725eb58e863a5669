"""Throughput and latency of `/kam log-meeting` through `kam-bot serve`, beside a bare Bolt app.

Run: `make bench` (or `.venv/bin/python bench/slash_commands.py --seconds 20`).
Both servers run as subprocesses on this machine; a signed request stream at fixed concurrency
hits each for the same time. kam-bot stores a meeting in SQLite for every request.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from sqlalchemy import create_engine, func, select

from storage.models import Meeting

SECRET = "bench-signing-secret"
HERE = Path(__file__).resolve().parent


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    peak_rss_mb: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def signed(form: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    body = urlencode(form).encode()
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return body, {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command(text: str, n: int) -> dict[str, str]:
    return {
        "command": "/kam",
        "text": text,
        "team_id": "TBENCH",
        "channel_id": "CBENCH",
        "user_id": "UBENCH",
        "user_name": "bench",
        "response_url": "http://127.0.0.1:9/response",
        "trigger_id": f"trigger.{n}",
    }


async def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                raise SystemExit(f"server exited early with {process.returncode}")
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"server at {url} never answered")


async def fire(url: str, concurrency: int, seconds: float) -> tuple[int, int, list[float]]:
    """Keep `concurrency` requests in flight for `seconds`; count successes and errors."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            n = next(counter)
            body, headers = signed(command(f"log-meeting operational today Bench run {n}", n))
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    errors += 1
                    continue
            latencies.append((time.perf_counter() - started) * 1000)

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return len(latencies), errors, latencies


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(
    name: str, argv: list[str], env: dict[str, str], port: int, args: argparse.Namespace
) -> Result:
    log = open(Path(env["KAM_BENCH_DIR"]) / f"{name.replace(' ', '-')}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz", process)
        url = f"http://127.0.0.1:{port}/slack/events"
        await setup(url)
        await fire(url, args.concurrency, 2.0)  # warm-up
        started = time.perf_counter()
        done, errors, latencies = await fire(url, args.concurrency, args.seconds)
        elapsed = time.perf_counter() - started
        return Result(name, done, errors, elapsed, latencies, peak_rss_mb(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


async def setup(url: str) -> None:
    """Bind the bench channel to an account (the bare app just acks these too)."""
    async with aiohttp.ClientSession() as session:
        body, headers = signed(command("account create Bench Group", 0))
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()


async def fake_web_api(port: int) -> web.AppRunner:
    """Slack's Web API as far as the bench needs it: `auth.test` on the first request, and
    `conversations.info` saying the channel is the company's own."""

    async def ok(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T",
                "channel": {"id": "C", "is_ext_shared": False},
            }
        )

    app = web.Application()
    app.router.add_route("*", "/api/{method}", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def report(results: list[Result]) -> None:
    columns = ("req/s", "p50 ms", "p99 ms", "errors")
    print(f"{'server':<10} " + " ".join(f"{c:>8}" for c in columns) + f" {'peak RSS MB':>12}")
    for r in results:
        print(
            f"{r.name:<10} {r.throughput:>8.0f} {r.percentile(50):>8.1f} {r.percentile(99):>8.1f}"
            f" {r.errors:>7} {r.peak_rss_mb:>12.1f}"
        )
    ours, bare = results
    print(f"throughput ratio kam-bot / bare Bolt: {ours.throughput / bare.throughput:.2f}")
    print(f"mean latency kam-bot: {statistics.mean(ours.latencies_ms):.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kam-bench-"))
    database = f"sqlite:///{workdir}/bench.sqlite3"
    kam_port, bare_port, api_port = free_port(), free_port(), free_port()
    slack_api = await fake_web_api(api_port)
    env = {
        **os.environ,
        "KAM_DATABASE_URL": database,
        "KAM_BENCH_DIR": str(workdir),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": f"http://127.0.0.1:{api_port}/api/",
    }
    kam_bot = [str(Path(sys.executable).parent / "kam-bot"), "serve"]
    bare = [sys.executable, str(HERE / "bare_bolt.py")]
    ours = await measure("kam-bot", kam_bot, {**env, "PORT": str(kam_port)}, kam_port, args)
    theirs = await measure("bare Bolt", bare, {**env, "PORT": str(bare_port)}, bare_port, args)
    with create_engine(database).connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Meeting))
    await slack_api.cleanup()
    print(
        f"concurrency {args.concurrency}, {args.seconds:.0f} s per server, {os.cpu_count()} cores"
    )
    report([ours, theirs])
    print(f"meetings stored by kam-bot: {stored} (answered 200: {ours.requests} + warm-up)")


if __name__ == "__main__":
    asyncio.run(main())
