"""`make run` on a fresh clone, as a non-root user, serves the landing page on 127.0.0.1.

The clone is the working copy as git would hand it out: ``git clone`` of HEAD plus the tracked
changes and untracked (not ignored) files of the working tree, so nothing ignored (``var/``,
``.venv/``, caches) comes along. Uncommitted work is tested the way it will be committed; on CI
the working tree is HEAD. The project's virtualenv is reused (``VENV=``, ``make -o <stamp>``: no
pip install, no network) with ``PYTHONPATH`` pointing at the clone's sources, so the clone's code
runs rather than the editable install's; when the unprivileged user cannot run the venv's
interpreter, a venv of the system Python reads the project venv's packages instead. As root the
run happens as an unprivileged user (``drtest``, created when missing), because a fresh clone is
not run as root.

Checks: the server answers on the printed URL, binds loopback only, the start-up banner shows
demo BSNs that log in and show diplomas and a ``create_staff_user`` line that works, no
"unable to open database file", ``var/static`` collected (no "No directory at" warning), and a
second ``make run`` reuses the data.
"""

from __future__ import annotations

import http.cookiejar
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
USER = "drtest"
START_TIMEOUT = 120  # seconds until the landing page must answer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
    pytest.mark.skipif(
        not (VENV / "bin" / "diplomaregister").exists(), reason="not run from the project venv"
    ),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git working copy"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="make run serves SQLite whatever the suite runs on: checked in the SQLite run",
    ),
]


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout


def _fresh_clone(target: Path) -> None:
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)],
        check=True,
        capture_output=True,
    )
    changed = _git("ls-files", "-z", "--modified", "--others", "--exclude-standard")
    for name in filter(None, changed.split("\0")):
        source, copy = ROOT / name, target / name
        if source.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
        elif copy.exists() and not source.exists():  # deleted in the working tree
            copy.unlink()


def _unprivileged_user() -> tuple[list[str], int | None]:
    """The command prefix that runs as a non-root user, and that user's uid (None: ourselves)."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
    return ["runuser", "-u", USER, "--"], pwd.getpwnam(USER).pw_uid


def _runs(prefix: list[str], python: str, check: str = "") -> bool:
    return subprocess.run([*prefix, python, "-c", check], capture_output=True).returncode == 0


def _venv_for(prefix: list[str], base: Path) -> Path:
    """The project's venv, or, when the unprivileged user cannot run its interpreter (a Python
    under /root, say), a venv of a system Python of the same version that reads the project
    venv's packages."""
    if _runs(prefix, str(VENV / "bin" / "python")):
        return VENV
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    same = f"import sys; assert sys.version_info[:2] == {tuple(sys.version_info[:2])}"
    candidates = [f"/usr/bin/{version}", f"/usr/local/bin/{version}", shutil.which(version)]
    system = next((c for c in candidates if c and _runs(prefix, c, same)), None)
    if system is None:
        pytest.skip(f"the unprivileged user can run neither the venv's Python nor a {version}")
    shim = base / "venv"
    subprocess.run([system, "-m", "venv", "--without-pip", str(shim)], check=True)
    (shim / "lib" / version / "site-packages" / "project-venv.pth").write_text(
        f"{VENV / 'lib' / version / 'site-packages'}\n"
    )
    script = shim / "bin" / "diplomaregister"
    script.write_text(f"#!{shim}/bin/python\nfrom diplomaregister.manage import main\nmain()\n")
    script.chmod(0o755)
    return shim


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on ``port``."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # TCP_LISTEN
                addresses.add(address)
    return addresses


class Run:
    """One ``make run`` in the clone, its output in a file."""

    def __init__(self, clone: Path, prefix: list[str], venv: Path, port: int, log: Path) -> None:
        self.log = log
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(clone),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(clone / "src"),  # the clone's code, not the editable install's
            "PYTHONUNBUFFERED": "1",
            "PORT": str(port),  # HOST left to its default
        }
        command = [*prefix, "env", *(f"{k}={v}" for k, v in env.items())]
        command += ["make", "-C", str(clone), "-o", f"{venv}/.stamp-install", "run"]
        command += [f"VENV={venv}"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        pytest.fail(f"no answer from {url} within {START_TIMEOUT} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


@pytest.fixture
def clone() -> Iterator[tuple[Path, list[str], Path]]:
    prefix, uid = _unprivileged_user()
    base = Path(tempfile.mkdtemp(prefix="diplomaregister-run-"))
    try:
        target = base / "diplomaregister"
        _fresh_clone(target)
        assert not (target / "var").exists() and not (target / ".venv").exists()
        if uid is not None:
            for path in (base, *base.rglob("*")):
                os.lchown(path, uid, -1)
        yield target, prefix, _venv_for(prefix, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _log_in(base: str, bsn: str) -> str:
    """The Mijn diploma's home page after the DigiD mock login with ``bsn``."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base}/digid/acs/?bsn={bsn}&next=/mijn/", timeout=30) as response:
        assert response.status == 200 and response.geturl() == f"{base}/mijn/"
        return response.read().decode()


def test_make_run_serves_a_fresh_clone_on_loopback(clone, tmp_path):
    checkout, prefix, venv = clone
    port = _free_port()
    url = f"http://127.0.0.1:{port}"

    first = Run(checkout, prefix, venv, port, tmp_path / "first.log")
    try:
        first.wait_until_serving(f"{url}/")
        with urllib.request.urlopen(f"{url}/", timeout=10) as response:  # noqa: S310
            landing = response.read().decode()
        assert 'href="/mijn/"' in landing and 'href="/verifieren/"' in landing
        listening = _listening(port)
        assert listening == {"0100007F"}, f"must bind 127.0.0.1 only, listens on {listening}"

        output = first.output()
        assert f"{url}/" in output
        bsns = re.findall(r"^ {4}(\d{9})  \d+ diplomas?: ", output, flags=re.MULTILINE)
        assert len(bsns) >= 3, output
        for bsn in bsns:
            home = _log_in(url, bsn)
            assert "Het register bevat geen diploma's van u" not in home
            assert home.count('class="utrecht-link" href="/mijn/diploma/') >= 1
        staff = re.search(r"create_staff_user --organisation (\S+) --username (\S+)", output)
        assert staff, output
        assert "create_operator" in output
    finally:
        first.stop()
    output = first.output()
    assert "unable to open database file" not in output
    assert "No directory at" not in output, output
    assert (checkout / "var" / "static").is_dir()
    if prefix:
        assert (checkout / "var").stat().st_uid == pwd.getpwnam(USER).pw_uid

    # the printed staff command works as printed
    created = subprocess.run(
        [*prefix, "env", f"PYTHONPATH={checkout / 'src'}", f"HOME={checkout}",
         f"{venv}/bin/diplomaregister", "create_staff_user",
         "--organisation", staff.group(1), "--username", staff.group(2)],
        cwd=checkout, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "password (shown once)" in created.stdout and "otpauth://" in created.stdout

    # a second run reuses the data and suggests an unused staff username
    second = Run(checkout, prefix, venv, port, tmp_path / "second.log")
    try:
        second.wait_until_serving(f"{url}/")
    finally:
        second.stop()
    again = second.output()
    assert "already holds persons" in again
    assert re.findall(r"^ {4}(\d{9})  ", again, flags=re.MULTILINE)[: len(bsns)] == bsns
    assert f"--username {staff.group(2)}\n" not in again
