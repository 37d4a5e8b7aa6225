"""The parallel kernel-start guard: many kernels started at once all come up.

Starting eight kernels concurrently through the guard is far cheaper than
eight reports and exercises the same race (ports chosen, then bound later).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket

from scwres.pipeline.kernel_guard import GuardedKernelManager, is_listening
from scwres.pipeline.run import kernel_name

N_KERNELS = 8


async def _start_and_run(name: str) -> dict:
    km = GuardedKernelManager(kernel_name=name)
    await km.start_kernel()
    try:
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=120)
        reply = await kc.execute_interactive("x = 40 + 2", timeout=60)
        kc.stop_channels()
        return {"status": reply["content"]["status"], "window": km.start_window, "attempts": km.start_attempts}
    finally:
        await km.shutdown_kernel(now=True)


def _one(name: str) -> dict:
    try:
        return asyncio.run(_start_and_run(name))
    except Exception as exc:  # reported back to the test, which names it
        return {"status": f"{type(exc).__name__}: {exc}", "window": None, "attempts": None}


def test_many_kernels_start_at_once_and_starts_never_overlap():
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(N_KERNELS) as pool:
        results = pool.map(_one, [kernel_name()] * N_KERNELS)
    assert [r["status"] for r in results] == ["ok"] * N_KERNELS, results
    windows = sorted(r["window"] for r in results)
    for (_, released), (acquired, _) in zip(windows, windows[1:], strict=False):
        assert acquired >= released, f"two kernel starts held the lock at once: {windows}"


def test_is_listening_tells_a_bound_port_from_a_free_one():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert is_listening("127.0.0.1", port)
    assert not is_listening("127.0.0.1", port)



def test_a_warm_kernel_forgets_variables_between_reports_but_keeps_modules():
    from jupyter_core.utils import run_sync

    from scwres.pipeline import batch

    def run(km, code: str) -> dict:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        reply = run_sync(kc.execute_interactive)(code, timeout=60, output_hook=lambda msg: None)
        km.close_clients()
        return reply["content"]

    km = batch.warm_kernel()
    try:
        assert run(km, "import json; secret = 42")["status"] == "ok"
        batch.reset_kernel(km)
        assert batch.warm_kernel() is km  # still the same, warm kernel
        assert run(km, "secret")["ename"] == "NameError"
        assert run(km, "import sys; assert 'json' in sys.modules")["status"] == "ok"
    finally:
        batch.drop_kernel()
    assert batch.warm_kernel() is not km
    batch.drop_kernel()
