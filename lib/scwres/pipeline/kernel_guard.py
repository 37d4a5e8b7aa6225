"""Starting Jupyter kernels safely when many start at once (the batch runner).

jupyter_client picks a kernel's five TCP ports by binding to port 0 and
closing the socket again; the kernel binds them for real a moment later, when
it has started. Two processes starting kernels at the same time can be handed
the same free port in that gap, and one kernel dies with ZeroMQ's "Address
already in use" (the known papermill/nbclient race). ``GuardedKernelManager``
closes the gap: a machine-wide file lock is held from choosing the ports until
the kernel is listening on all of them, so starts are serialised only for that
short window while the notebooks themselves still run in parallel. If a kernel
still dies while starting (a port taken by some other program), it is started
again on fresh ports, a few times, before giving up.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

LOCK_PATH = Path(os.environ.get("SCWRES_KERNEL_LOCK", Path(tempfile.gettempdir()) / "scwres-kernel-start.lock"))
BIND_TIMEOUT = 30.0  # seconds to wait for a kernel to listen before letting the next one start
ATTEMPTS = 3
PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


@contextmanager
def start_lock(path: Path = LOCK_PATH) -> Iterator[None]:
    """Hold the machine-wide kernel start lock (an ``flock``, released if the process dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_listening(ip: str, port: int) -> bool:
    """True when something accepts TCP connections on ``ip:port``.

    Probing with connect, not bind, so the probe can never take the port
    from the kernel it is waiting for.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.connect((ip, port))
        except OSError as exc:
            if exc.errno in (errno.ECONNREFUSED, errno.ETIMEDOUT, None):
                return False
            raise
        return True


class GuardedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose start is serialised machine-wide until the kernel listens.

    ``start_window`` records (lock acquired, lock released) on the monotonic
    clock, so a test can check that no two starts overlapped.
    """

    start_window: tuple[float, float] | None = None
    start_attempts: int = 0

    def client(self, **kwargs: Any) -> Any:
        """A client, remembered so that a long-lived kernel's spent clients can be closed."""
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_scwres_clients", []).append(kc)
        return kc

    def close_clients(self) -> None:
        """Stop the channels of every client handed out so far (nbclient leaves them open on a kernel it
        does not own)."""
        for kc in self.__dict__.pop("_scwres_clients", []):
            kc.stop_channels()

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        # No input history: nobody types into these kernels, and IPython writing ~/.ipython's history.sqlite
        # printed a traceback on a full disk or a read-only home, beside a report that was otherwise fine.
        kw["extra_arguments"] = [*kw.get("extra_arguments", []), "--HistoryManager.enabled=False"]
        await asyncio.to_thread(self._acquire)
        acquired = time.monotonic()
        try:
            for attempt in range(1, ATTEMPTS + 1):
                self.start_attempts = attempt
                await AsyncKernelManager.start_kernel(self, **kw)
                if await self._wait_until_listening():
                    return
                if attempt < ATTEMPTS:
                    self.log.warning("Kernel died while starting (attempt %d); retrying on fresh ports", attempt)
                    await self._forget_kernel()
            raise RuntimeError(f"The kernel died while starting, {ATTEMPTS} times; see the kernel's log above.")
        finally:
            self.start_window = (acquired, time.monotonic())
            self._release()

    def _acquire(self) -> None:
        self._lock_cm = start_lock()
        self._lock_cm.__enter__()

    def _release(self) -> None:
        self._lock_cm.__exit__(None, None, None)

    async def _wait_until_listening(self) -> bool:
        """True once every port accepts connections; False if the kernel process has died."""
        if self.transport != "tcp":
            return True
        ports = [getattr(self, name) for name in PORT_NAMES]
        deadline = time.monotonic() + BIND_TIMEOUT
        while time.monotonic() < deadline:
            if self.provisioner is not None and await self.provisioner.poll() is not None:
                return False
            if all(is_listening(self.ip, port) for port in ports):
                return True
            await asyncio.sleep(0.02)
        return True  # a slow kernel: let nbclient's own start timeout decide

    async def _forget_kernel(self) -> None:
        """Clean up a dead kernel and its ports so the next attempt picks fresh ones."""
        await self._async_cleanup_resources(restart=False)
        for name in PORT_NAMES:
            setattr(self, name, 0)
        self._connection_file_written = False
        self._launch_args = {}
