"""Mixed workload driver (issue 23): N signed-in sessions, each a thread with its own keep-alive
connection, walking its role's pages in turn with a short think time, for a bounded time.

Usage: mixed_load.py PLAN_JSON_FILE; the plan is {"port", "seconds", "think_s", "sessions":
[{"role", "cookie", "pages": [[name, url], ...]}]}. Prints JSON: requests, throughput and p50/p95
per page name, errors. Loopback only (127.0.0.1), bounded in time.
"""

import http.client
import json
import random
import sys
import threading
import time


def pct(samples, p):
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))], 1)


def main() -> None:
    with open(sys.argv[1]) as handle:
        plan = json.load(handle)
    port, seconds, think = plan["port"], float(plan["seconds"]), float(plan["think_s"])
    samples: dict[str, list[float]] = {}
    bad_status: list[str] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start_all = time.perf_counter()
    stop = start_all + seconds

    def session(index, spec):
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": spec["cookie"], "Accept-Language": "es"}
        pages = spec["pages"]
        step = rng.randrange(len(pages))
        time.sleep(rng.random() * think)  # sessions do not all start in the same instant
        mine, bad = [], []
        while time.perf_counter() < stop:
            name, url = pages[step % len(pages)]
            step += 1
            began = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    bad_status.append(f"{response.status} {url} {response.getheader('Location')}")
            except OSError as error:
                ok = False
                bad_status.append(f"{type(error).__name__} {url}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - began) * 1000
            (mine if ok else bad).append((name, elapsed))
            time.sleep(rng.uniform(0.5, 1.5) * think)
        with lock:
            for name, ms in mine:
                samples.setdefault(name, []).append(ms)
            for name, _ in bad:
                errors[name] = errors.get(name, 0) + 1

    threads = [
        threading.Thread(target=session, args=(i, spec)) for i, spec in enumerate(plan["sessions"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start_all
    total = sum(len(v) for v in samples.values())
    print(
        json.dumps(
            {
                "sessions": len(plan["sessions"]),
                "seconds": round(elapsed, 1),
                "think_s": think,
                "requests": total,
                "rps": round(total / elapsed, 1),
                "errors": sum(errors.values()),
                "first_errors": sorted(set(bad_status))[:10],
                "pages": {
                    name: {
                        "n": len(v),
                        "p50_ms": pct(v, 50),
                        "p95_ms": pct(v, 95),
                        "errors": errors.get(name, 0),
                    }
                    for name, v in sorted(samples.items())
                },
            }
        )
    )


if __name__ == "__main__":
    main()
