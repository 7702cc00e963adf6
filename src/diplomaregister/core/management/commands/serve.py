"""``diplomaregister serve``: the production web server (gunicorn) in place of this process.

    diplomaregister serve                      # HOST:PORT, WEB_CONCURRENCY workers (2 x cores + 1)
    diplomaregister serve --workers 2 --bind 127.0.0.1:8001
    diplomaregister serve --print-config       # what it would run, without running it

Sync workers (``WEB_THREADS=1``, the default) or gthread workers; each worker thread keeps at most
one database connection. Static files are served by WhiteNoise from ``collectstatic``'s output
(in production ``serve`` refuses to start without it). SIGHUP: new workers with the new code,
the old ones finish their requests (graceful reload); SIGTERM: graceful stop. The request metrics
of all workers are kept in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh directory per server).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from diplomaregister.conf import env
from diplomaregister.core import gunicorn_conf

CONFIG = "python:diplomaregister.core.gunicorn_conf"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def metrics_dir() -> Path:
    """A fresh, empty directory for this server's worker metrics; directories of servers that
    are gone are removed."""
    configured = env.get(env.PROMETHEUS_MULTIPROC_DIR)
    if configured:
        path = Path(configured)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        return path
    base = Path(settings.VAR_DIR) / "prometheus"
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob("serve-*"):
        suffix = old.name.removeprefix("serve-")
        if not suffix.isdigit() or not _alive(int(suffix)) or int(suffix) == os.getpid():
            shutil.rmtree(old, ignore_errors=True)
    path = base / f"serve-{os.getpid()}"  # exec keeps the pid: the gunicorn master's
    path.mkdir()
    return path


class Command(BaseCommand):
    help = "Serve the register with gunicorn (production server; see docs/deploy.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", help="HOST:PORT (default: $HOST:$PORT)")
        parser.add_argument("--workers", type=int, help="worker processes (default: $WEB_CONCURRENCY "
                            "or 2 x CPU cores + 1)")  # fmt: skip
        parser.add_argument(
            "--threads", type=int, help="threads per worker (default: $WEB_THREADS)"
        )
        parser.add_argument("--timeout", type=int, help="request timeout in seconds ($WEB_TIMEOUT)")
        parser.add_argument(
            "--print-config", action="store_true", help="print the settings and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        overrides: list[str] = []
        config = gunicorn_conf.options()
        if options["bind"]:
            overrides += ["--bind", options["bind"]]
            config["bind"] = [options["bind"]]
        if options["workers"]:
            overrides += ["--workers", str(options["workers"])]
            config["workers"] = options["workers"]
        if options["threads"]:
            overrides += ["--threads", str(options["threads"])]
            config["threads"] = options["threads"]
            if options["threads"] > 1:
                overrides += ["--worker-class", "gthread"]
                config["worker_class"] = "gthread"
        if options["timeout"]:
            overrides += ["--timeout", str(options["timeout"])]
            config["timeout"] = options["timeout"]
        argv = [sys.executable, "-m", "gunicorn", "--config", CONFIG, *overrides]
        if options["print_config"]:
            shown = {k: v for k, v in config.items() if k != "logconfig_dict"}
            shown["database_connections_at_most"] = config["workers"] * config["threads"]
            self.stdout.write(json.dumps(shown, indent=2))
            self.stdout.write(" ".join(argv))
            return
        if settings.PRODUCTION:
            manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
            if not manifest.exists():
                raise CommandError(
                    f"{manifest} is missing: run `diplomaregister collectstatic --noinput` first"
                )
        environ = dict(os.environ)
        environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir())
        self.stdout.write(
            f"serving on {', '.join(config['bind'])} with {config['workers']} {config['worker_class']} "
            f"worker(s) x {config['threads']} thread(s)"
        )
        self.stdout.flush()
        connections.close_all()
        sys.stderr.flush()
        os.execve(sys.executable, argv, environ)  # noqa: S606 (a fixed argv, no shell)
