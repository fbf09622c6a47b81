#!/usr/bin/env python3
"""Sends BATCHES writes of PER pipelined `GET PATH` requests on one connection to 127.0.0.1:PORT
and reads every response: a fixed, repeatable load for instruction counting."""
import socket
import sys
import time

port, path, batches, per = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for _ in range(100):
    try:
        conn = socket.create_connection(("127.0.0.1", port))
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit(f"nothing listens on port {port}")
request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n".encode() * per
for _ in range(batches):
    conn.sendall(request)
    received = b""
    while received.count(b"HTTP/1.1 200") < per:
        chunk = conn.recv(65536)
        if not chunk:
            sys.exit("the server closed the connection")
        received += chunk
