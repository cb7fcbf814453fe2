#!/usr/bin/env python3
"""stuck_readers: N clients that ask for the full registry and never read the answer (issue #18).

Before each client (or every --new-version-every'th) a registration changes the registry, so with the read-write cache level alone
(use-read-only-response-cache=false) each client is given a newer version of the document than the one before:
the worst case for memory, each stuck client pinning a version of its own. Each socket's receive buffer is set
small before connecting, so the kernel cannot absorb the answer. The tool waits (at most --first-byte-timeout, 60 s) until the first
byte of each answer is in the socket (peeked, not read), then holds every connection until SIGTERM/SIGINT or
--hold seconds. Prints "held N" once all are in, then "closed_by_server K" (connections the server closed) on exit.
Standard library only; 127.0.0.1 only.
"""
import argparse
import json
import signal
import socket
import sys
import time

REGISTER = ('{"instance":{"instanceId":"stuck-%d","hostName":"stuck-%d","app":"STUCK","ipAddr":"10.9.0.1",'
            '"status":"UP","port":{"$":8080,"@enabled":"true"},"dataCenterInfo":{"@class":'
            '"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}')


def register(port, n):
    body = (REGISTER % (n, n)).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /eureka/apps/STUCK HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        answer = s.recv(100)
        if b" 204 " not in answer:
            sys.exit("register answered %r" % answer[:40])


def stuck_client(port, first_byte_timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(first_byte_timeout)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /eureka/apps/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n")
    s.recv(1, socket.MSG_PEEK)  # the answer (and so its version) has begun
    return s


def closed_by_server(s):
    s.setblocking(False)
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--hold", type=float, default=300)
    # A new version of a 100,000-instance document is built on the pool before its first byte leaves: seconds on
    # a quiet machine, over a minute when other builds share the two cores.
    parser.add_argument("--first-byte-timeout", type=float, default=60)
    # 1: every reader is given a version of its own (the worst case). N: a registration before every Nth reader
    # only, so N readers share a version: 100 readers of a 100,000-instance registry in minutes, not an hour.
    parser.add_argument("--new-version-every", type=int, default=1)
    args = parser.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    clients = []
    for n in range(args.count):
        if n % max(1, args.new_version_every) == 0:
            register(args.port, n)
        clients.append(stuck_client(args.port, args.first_byte_timeout))
    print("held %d" % len(clients), flush=True)
    deadline = time.monotonic() + args.hold
    while not stop and time.monotonic() < deadline:
        time.sleep(0.2)
    print("closed_by_server %d" % sum(closed_by_server(s) for s in clients), flush=True)
    for s in clients:
        s.close()


if __name__ == "__main__":
    main()
