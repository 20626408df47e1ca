"""A good client beside an attack, in a process of its own so the attacker's event loop
cannot delay it: `GET /health` on one keep-alive connection every 20 ms until its
standard input closes. Prints `ready` after the first answer, then one JSON line:
the number of answers, the slowest in milliseconds, and the failures.

    python -m tests.pollserver.health_probe PORT
"""

import json
import socket
import sys
import threading
import time

REQUEST = b"GET /health HTTP/1.1\r\nHost: probe\r\n\r\n"
INTERVAL = 0.02


def health_round_trip(sock: socket.socket, buffered: bytearray) -> bool:
    """One request and its whole answer; whether it was a 200."""
    sock.sendall(REQUEST)
    while b"\r\n\r\n" not in buffered:
        buffered += _receive(sock)
    head, _, rest = bytes(buffered).partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        rest += _receive(sock)
    buffered[:] = rest[length:]
    return head.startswith(b"HTTP/1.1 200 ")


def _receive(sock: socket.socket) -> bytes:
    data = sock.recv(65536)
    if not data:
        raise ConnectionError("the server closed the probe's connection")
    return data


def main(port: int) -> None:
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    buffered = bytearray()
    latencies, failures = [], 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            ok = health_round_trip(sock, buffered)
        except OSError:
            failures += 1
            sock.close()
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            buffered.clear()
            continue
        latencies.append(time.perf_counter() - started)
        failures += not ok
        if len(latencies) == 1:
            print("ready", flush=True)
        time.sleep(INTERVAL)
    print(
        json.dumps(
            {
                "answers": len(latencies),
                "failures": failures,
                "max_ms": round(1000 * max(latencies, default=0.0), 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
