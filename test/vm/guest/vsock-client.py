#!/usr/bin/env python3
"""Guest-side AF_VSOCK client for the VM test: talks to an agent on
vsock-listen over CID 1 (the loopback transport) and prints one JSON object
with what it saw. Python, because Node's net module cannot open AF_VSOCK."""
import json
import socket
import sys
import time

PORT = int(sys.argv[1])
CID_LOCAL = 1


def connect():
    s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect((CID_LOCAL, PORT))
    return s


def read_line(s, buf):
    while b"\n" not in buf[0]:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        buf[0] += chunk
    line, _, rest = buf[0].partition(b"\n")
    buf[0] = rest
    return line.decode()


def sync_and_ping(s, sync_id):
    """0xFF + guest-sync-delimited, skip to the agent's 0xFF, then a ping."""
    buf = [b""]
    s.sendall(b"\xff" + json.dumps({"execute": "guest-sync-delimited", "arguments": {"id": sync_id}}).encode())
    while b"\xff" not in buf[0]:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed before the 0xFF")
        buf[0] += chunk
    buf[0] = buf[0][buf[0].index(b"\xff") + 1:]
    sync = read_line(s, buf)
    s.sendall(b'{"execute":"guest-ping"}')
    return [sync, read_line(s, buf)]


out = {}
a = connect()
out["first"] = sync_and_ping(a, 101)
a.close()
b = connect()
out["reconnect"] = sync_and_ping(b, 102)
b.close()

# Clients that hang up with their reply unread (one mid-request), then one that is served.
hangups = 0
for i in range(10):
    h = connect()
    h.sendall(b'{"execute":"guest-info"}' if i % 2 == 0 else b'{"execute":"guest-ping"')
    h.close()
    hangups += 1
out["hangups"] = hangups
e = connect()
out["after_hangups"] = sync_and_ping(e, 105)
e.close()

# A client that sends a lot and never reads: its replies fill the socket buffers.
stalled = connect()
stalled.setblocking(False)
sent = 0
request = b'{"execute":"guest-info"}' * 64
deadline = time.time() + 5
while time.time() < deadline:
    try:
        sent += stalled.send(request)
    except BlockingIOError:
        time.sleep(0.05)
out["stalled_sent_bytes"] = sent
# Another client meanwhile, then one after the stalled one is gone.
try:
    c = connect()
    out["while_stalled"] = sync_and_ping(c, 103)
    c.close()
except Exception as e:  # noqa: BLE001 - reported to the host test
    out["while_stalled"] = "error: %s" % e
stalled.close()
d = connect()
out["after_stalled"] = sync_and_ping(d, 104)
d.close()
print(json.dumps(out))
