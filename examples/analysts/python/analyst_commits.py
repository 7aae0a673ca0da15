"""Read the TeamPulse log (stream GITHUB) from a point in time, then follow it live,
and print per-developer commit counts.

Credentials and server come from the environment, never from flags:
  NATS_URL    server URL(s), comma-separated (default nats://127.0.0.1:4222)
  NATS_CREDS  path to a .creds file (e.g. from `teampulse nats-creds --role analyst`)

  python analyst_commits.py --since 24h            # history of the last day, then live
  python analyst_commits.py --since 2026-01-02T00:00:00Z --until-end
"""

import argparse
import asyncio
import json
import os
import re
import signal
import sys
from datetime import datetime, timedelta, timezone

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

STREAM = "GITHUB"
BODY_BUCKET = "github-bodies"
BODY_REF_HEADER = "TeamPulse-Body-Ref"


def parse_since(value: str) -> datetime:
    """An ISO time, or a duration back from now: 90s, 15m, 24h, 7d."""
    m = re.fullmatch(r"(\d+)([smhd])", value)
    if m:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        return datetime.now(timezone.utc) - timedelta(**{unit: int(m.group(1))})
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SystemExit(f"analyst_commits: --since: expected an ISO time or a duration like 24h, got {value!r}")
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def developer_id(author: dict) -> str:
    """TeamPulse's identity rule: the GitHub username, else email:<lower-cased email>."""
    if author.get("username"):
        return author["username"]
    return "email:" + (author.get("email") or "").lower()


class Counter:
    """Distinct (repository id, sha) per developer, so a redelivered push counts once."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.per_dev: dict[str, int] = {}

    def add(self, push: dict) -> int:
        repo_id = str(push.get("repository", {}).get("id"))
        added = 0
        for commit in push.get("commits", []):
            key = (repo_id, commit["id"])
            if key in self.seen:
                continue
            self.seen.add(key)
            dev = developer_id(commit.get("author", {}))
            self.per_dev[dev] = self.per_dev.get(dev, 0) + 1
            added += 1
        return added

    def __str__(self) -> str:
        return "totals: " + " ".join(f"{d}={n}" for d, n in sorted(self.per_dev.items()))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", default=os.environ.get("SINCE"), help="ISO time or duration (24h); default: all history")
    parser.add_argument("--subject", default="github.push.>", help="subject filter (default github.push.>)")
    parser.add_argument("--until-end", action="store_true", help="stop at the end of the history present at start")
    parser.add_argument("--max-msgs", type=int, default=0, help="stop after this many messages (0: no limit)")
    args = parser.parse_args()

    options = {"name": "analyst-commits-python"}
    if os.environ.get("NATS_CREDS"):
        options["user_credentials"] = os.environ["NATS_CREDS"]
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers=servers, **options)
    try:
        await follow(nc, args)
    finally:
        await nc.close()


async def follow(nc, args) -> None:
    js = nc.jetstream()
    # An ephemeral pull consumer with a generated name: no acks, gone 5 minutes after the
    # last pull. (Analysts may create consumers only by name, which pull_subscribe does.)
    config = ConsumerConfig(ack_policy=AckPolicy.NONE, inactive_threshold=300.0, mem_storage=True)
    if args.since:
        config.deliver_policy = DeliverPolicy.BY_START_TIME
        config.opt_start_time = parse_since(args.since).isoformat().replace("+00:00", "Z")
    # The end of history is the stream's last sequence now; what comes after is live.
    end_seq = (await js.stream_info(STREAM)).state.last_seq
    sub = await js.pull_subscribe(args.subject, stream=STREAM, config=config)
    # Nothing is delivered before the first fetch, so this count is exact.
    nothing = (await sub.consumer_info()).num_pending == 0

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)

    counts = Counter()
    bodies = None  # opened on the first large body
    caught_up = False
    if end_seq == 0 or nothing:
        caught_up = True
        print(f"caught up at seq {end_seq}; {counts}", flush=True)
        if args.until_end:
            return
    n = 0
    while not stopping.is_set():
        try:
            batch = await sub.fetch(batch=100, timeout=1)
        except nats.errors.TimeoutError:
            continue
        for msg in batch:
            n += 1
            headers = msg.headers or {}
            body = msg.data
            ref = headers.get(BODY_REF_HEADER)
            if ref:
                if bodies is None:
                    bodies = await js.object_store(BODY_BUCKET)
                body = (await bodies.get(ref)).data
            seq = msg.metadata.sequence.stream
            try:
                push = json.loads(body)
            except ValueError as err:
                print(f"seq {seq}: not a JSON push ({err}); skipped", file=sys.stderr)
                continue
            added = counts.add(push)
            print(
                f"seq {seq} {msg.subject} delivery={headers.get('Nats-Msg-Id')} "
                f"commits={len(push.get('commits', []))} new={added}",
                flush=True,
            )
            if caught_up:
                print(counts, flush=True)
            elif seq >= end_seq or msg.metadata.num_pending == 0:
                caught_up = True
                print(f"caught up at seq {seq}; {counts}", flush=True)
                if args.until_end:
                    return
            if args.max_msgs and n >= args.max_msgs:
                return


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (nats.errors.Error, nats.js.errors.Error, OSError) as err:
        print(f"analyst_commits: {err!r}", file=sys.stderr)
        sys.exit(1)
