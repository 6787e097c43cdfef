"""Load driver used when wrk is not installed: threads of keep-alive http.client connections.

Usage: load.py URL BODY HEADERS_JSON SECONDS THREADS; prints JSON {rps, p50_ms, p99_ms, errors}.
Loopback only (127.0.0.1), bounded in time.
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse


def main() -> None:
    url, body, headers = urlparse(sys.argv[1]), sys.argv[2].encode(), json.loads(sys.argv[3])
    seconds, threads = float(sys.argv[4]), int(sys.argv[5])
    if url.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("loopback only")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                conn.request("POST", url.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    begin = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    print(
        json.dumps(
            {
                "driver": f"python http.client, {threads} threads",
                "rps": round(len(latencies) / elapsed) if latencies else 0,
                "p50_ms": pct(50) if latencies else None,
                "p99_ms": pct(99) if latencies else None,
                "errors": errors[0],
            }
        )
    )


if __name__ == "__main__":
    main()
