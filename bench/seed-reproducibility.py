#!/usr/bin/env python3
"""Does a request give the same text when other requests run beside it?

Usage: seed-reproducibility.py URL MODEL [ROUNDS] [SEED]

First each probe prompt is sent alone: a seeded draw (n=3, temperature 1, seed 1234) and a greedy one (temperature 0).
Then, ROUNDS times, the same probes are sent again while 0-8 background requests of random lengths stream beside them,
and every text is compared with its solitary one. Also prints the largest |logprob| difference of the greedy tokens up
to the first token that differs, which shows how far the logits move with the cache's layout.
"""
import json
import random
import sys
import threading
import urllib.request

url, model = sys.argv[1].rstrip("/"), sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 40
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
PROMPTS = ["Tell a tale.", "Name a colour.", "Hello there", "Explain the rain", "What now?"]


def post(body):
    request = urllib.request.Request(url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def seeded(prompt):
    reply = post({"model": model, "n": 3, "seed": 1234, "temperature": 1, "max_tokens": 12, "ignore_eos": True,
                  "messages": [{"role": "user", "content": prompt}]})
    return [choice["message"]["content"] for choice in reply["choices"]]


def greedy(prompt):
    reply = post({"model": model, "temperature": 0, "max_tokens": 16, "ignore_eos": True, "logprobs": True,
                  "messages": [{"role": "user", "content": prompt}]})
    return [(t["token"], t["logprob"]) for t in reply["choices"][0]["logprobs"]["content"]]


def background(index, max_tokens, filler):
    post({"model": model, "temperature": 1, "max_tokens": max_tokens, "ignore_eos": True,
          "messages": [{"role": "user", "content": f"background {index} {filler}"}]})


alone_seeded = {p: seeded(p) for p in PROMPTS}
alone_greedy = {p: greedy(p) for p in PROMPTS}
seeded_differ = greedy_differ = 0
largest_move = 0.0
for round_index in range(rounds):
    threads = [threading.Thread(target=background, args=(round_index * 10 + k, rng.randint(5, 60), "x" * rng.randint(1, 300)))
               for k in range(rng.randint(0, 8))]
    for thread in threads:
        thread.start()
    prompt = rng.choice(PROMPTS)
    seeded_differ += seeded(prompt) != alone_seeded[prompt]
    tokens = greedy(prompt)
    for (token, logprob), (alone_token, alone_logprob) in zip(tokens, alone_greedy[prompt]):
        largest_move = max(largest_move, abs(logprob - alone_logprob))
        if token != alone_token:
            greedy_differ += 1
            break
    for thread in threads:
        thread.join()

print(f"seeded (n=3, temperature 1): {seeded_differ} of {rounds} differ from the request alone")
print(f"greedy (temperature 0): {greedy_differ} of {rounds} differ from the request alone")
print(f"largest greedy |logprob| move before a difference: {largest_move:.2g}")
