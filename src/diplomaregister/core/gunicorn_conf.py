"""gunicorn configuration of ``diplomaregister serve`` (``-c python:diplomaregister.core.gunicorn_conf``).

Every value comes from the environment (conf/env.py); options given to ``serve`` override them.
On SIGHUP gunicorn starts new workers and stops the old ones gracefully (each finishes its
request): that is how a new release is taken into use (``migrate``, then ``kill -HUP <master
pid>``). The application is not preloaded in the master, so the new workers import the new code.
The environment is the master's own: changing a variable takes a restart of the service.
"""

from __future__ import annotations

import os
from typing import Any

from diplomaregister.conf import env


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * cpu_count() + 1


def _positive(value: str, default: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return default
    return number if number > 0 else default


def _bind() -> str:
    host, port = env.get(env.HOST), env.get(env.PORT)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def _log_format() -> str:
    value = env.get(env.LOG_FORMAT)
    if value:
        return value
    return "json" if env.get(env.ENVIRONMENT) == "production" else "text"


def options() -> dict[str, Any]:
    """The gunicorn settings taken from the environment (also printed by ``serve --print-config``)."""
    from diplomaregister.core.logging import gunicorn_logconfig

    threads = _positive(env.get(env.WEB_THREADS), 1)
    return {
        "wsgi_app": "diplomaregister.conf.wsgi:application",
        "bind": [_bind()],
        "workers": _positive(env.get(env.WEB_CONCURRENCY), default_workers()),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": _positive(env.get(env.WEB_TIMEOUT), 120),
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,  # SIGHUP loads new code in new workers
        "accesslog": None,  # TraceMiddleware logs each request, without the query string
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": gunicorn_logconfig(_log_format()),
        "proc_name": "diplomaregister",
        # gunicorn >= 25's control socket is one path per user (~/.gunicorn): two servers on a
        # machine would share it; signals (HUP, TERM, TTIN/TTOU) do what we need
        "control_socket_disable": True,
    }


globals().update(options())


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: let prometheus_client drop its live gauges (its counters stay counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
