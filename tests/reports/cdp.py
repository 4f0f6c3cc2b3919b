"""A small Chrome DevTools Protocol client on the standard library, for the browser tests.

Headless Chromium is started with `--remote-debugging-port=0`; it writes the port it chose
to `DevToolsActivePort` in its profile folder. The client speaks just enough WebSocket
(RFC 6455: masked text frames out, unmasked frames in) to send commands and collect the
events that arrive meanwhile, which is all a test needs to watch the console and network.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0",
]  # fmt: skip


def find_chromium() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)


class Browser:
    """One headless Chromium with one page, ended with `close`."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            port = self._port(profile / "DevToolsActivePort")
            self._sock = _connect(_page_socket_url(port), timeout)
        except BaseException:
            self.close()
            raise

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Run one command and return its result; events seen meanwhile go to `events`."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        _send_frame(self._sock, json.dumps(message).encode())
        while True:
            reply = json.loads(_recv_message(self._sock))
            if reply.get("id") != self._next_id:
                self.events.append(reply)
            elif "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            else:
                return dict(reply.get("result", {}))

    def wait_for(self, event: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if e.get("method") == event]
            if found:
                return found[0]
            self.events.append(json.loads(_recv_message(self._sock)))
        raise TimeoutError(event)

    def screenshot(self, path: Path, **params: Any) -> None:
        data = self.send("Page.captureScreenshot", format="png", **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        if hasattr(self, "_sock"):
            self._sock.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _port(self, active: Path) -> int:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if active.exists() and active.read_text().strip():
                return int(active.read_text().split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its debugging port")


def _page_socket_url(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
        targets = json.load(reply)
    return next(str(t["webSocketDebuggerUrl"]) for t in targets if t["type"] == "page")


def _connect(url: str, timeout: float) -> socket.socket:
    host_port, path = url.removeprefix("ws://").split("/", 1)
    host, port = host_port.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        .encode()
    )  # fmt: skip
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"websocket refused: {head[:200]!r}")
    return sock


def _send_frame(sock: socket.socket, payload: bytes) -> None:
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, 0x80 | size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
    mask = os.urandom(4)  # a client must mask every frame it sends
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _recv_message(sock: socket.socket) -> bytes:
    """One whole message: its frames joined, control frames (ping, close) answered or raised."""
    message = b""
    while True:
        first, second = _exact(sock, 2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", _exact(sock, 2))[0]
        elif size == 127:
            size = struct.unpack("!Q", _exact(sock, 8))[0]
        payload = _exact(sock, size)
        opcode = first & 0x0F
        if opcode == 0x8:
            raise ConnectionError("chromium closed the connection")
        if opcode == 0x9:
            continue  # a ping: chromium does not wait for the pong here
        message += payload
        if first & 0x80:
            return message


def _exact(sock: socket.socket, size: int) -> bytes:
    data = bytearray()  # a screenshot is megabytes: no quadratic joining
    while len(data) < size:
        chunk = sock.recv(min(size - len(data), 1 << 20))
        if not chunk:
            raise ConnectionError("chromium closed the connection")
        data += chunk
    return bytes(data)
