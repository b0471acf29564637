"""JupyterLab for real: a Jupyter server opens every notebook and runs it top to bottom with its
defaults in a real kernel session, through the server's REST and websocket API, as JupyterLab
does; where Chromium is available the JupyterLab page itself is loaded too."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from evaluation.cli import default_notebooks
from evaluation.config import PROJECT_ROOT
from evaluation.report import screenshots

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the kernel is this interpreter
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={PROJECT_ROOT}", "--allow-root",
           "--ServerApp.disable_check_xsrf=True"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.terminate()
        raise RuntimeError("jupyter lab did not answer within a minute")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict | None:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        text = resp.read()
    return json.loads(text) if text else None


async def _run_cells(base: str, token: str, kernel_id: str, cells: list[str], timeout: float = 600) -> list[dict]:
    """Execute code cells one by one on the kernel's websocket; return the errors seen."""
    from tornado.websocket import websocket_connect

    url = base.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels?token={token}"
    ws = await websocket_connect(url)
    session, errors = uuid.uuid4().hex, []
    try:
        for index, code in enumerate(cells):
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": session, "msg_type": "execute_request",
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            deadline = time.monotonic() + timeout
            idle = replied = False
            while not (idle and replied):
                raw = await asyncio.wait_for(ws.read_message(), timeout=max(deadline - time.monotonic(), 1))
                if raw is None:
                    raise RuntimeError("the kernel's websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "error":
                    errors.append({"cell": index, "ename": msg["content"]["ename"], "evalue": msg["content"]["evalue"]})
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply":
                    replied = True
            if errors:
                break
    finally:
        ws.close()
    return errors


@pytest.mark.parametrize("notebook", default_notebooks(), ids=lambda p: p.stem)
def test_a_jupyter_server_runs_the_notebook_with_its_defaults(server, notebook):
    base, token = server
    rel = notebook.relative_to(PROJECT_ROOT).as_posix()
    model = _api(base, token, f"/api/contents/{rel}?content=1")
    assert model["type"] == "notebook"
    kernel_name = model["content"]["metadata"]["kernelspec"]["name"]
    session = _api(base, token, "/api/sessions", "POST",
                   {"path": rel, "type": "notebook", "name": notebook.name, "kernel": {"name": kernel_name}})
    try:
        cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                 for c in model["content"]["cells"] if c["cell_type"] == "code"]
        errors = asyncio.run(_run_cells(base, token, session["kernel"]["id"], cells))
        assert errors == [], errors
    finally:
        _api(base, token, f"/api/sessions/{session['id']}", "DELETE")


@pytest.mark.skipif(screenshots.browser() is None, reason="no headless Chromium (the Makefile installs Debian's chromium)")
def test_jupyterlab_opens_a_notebook_in_a_browser(server, tmp_path):
    base, token = server
    url = f"{base}/lab/tree/notebooks/01_data_quality.ipynb?token={token}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom", url]
    dom = subprocess.run([shutil.which("chromium") or screenshots.browser(), *flags], capture_output=True, text=True,
                         timeout=180).stdout
    assert "jp-LabShell" in dom or "jp-Notebook" in dom, dom[:500]
