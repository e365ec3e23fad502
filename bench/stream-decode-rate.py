#!/usr/bin/env python3
"""Decode rate of one streamed chat completion, measured by a client light enough not to compete for the cores.

Usage: bench/stream-decode-rate.py BASE_URL MODEL [RUNS] [MAX_TOKENS]
Prints, per run, the time to the first content chunk and the mean time per later token; then the median rate.
The .NET bench client parses every chunk and samples /metrics; on a 2-core machine that competes with the
server's compute threads, so the serving overhead at one stream is measured with this one.
"""
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse


def run(url, model, max_tokens):
    connection = http.client.HTTPConnection(url.hostname, url.port or 80)
    body = json.dumps({"model": model, "stream": True, "ignore_eos": True, "max_tokens": max_tokens, "temperature": 0,
                       "messages": [{"role": "user", "content": "ka lo mi ne ru sa ti vo " * 4}]})
    start = time.perf_counter()
    connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    first = None
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        if first is None and b'"content":"' in chunk and b'"content":""' not in chunk:
            first = time.perf_counter()
    end = time.perf_counter()
    return (first - start) * 1000, (end - first) * 1000 / (max_tokens - 1)


def main():
    url = urlparse(sys.argv[1])
    model = sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    max_tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 128
    per_token = []
    for _ in range(runs):
        ttft, ms = run(url, model, max_tokens)
        per_token.append(ms)
        print(f"ttft {ttft:.1f} ms, decode {ms:.2f} ms/token ({1000 / ms:.1f} tok/s)")
    print(f"median decode rate: {1000 / statistics.median(per_token):.1f} tok/s over {runs} runs")


if __name__ == "__main__":
    main()
