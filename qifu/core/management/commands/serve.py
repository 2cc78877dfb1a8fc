"""Serve the web app and run the job worker together: one command, one Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and the huey worker/scheduler together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, "manage.py"]
        web_cmd = [*manage, "runserver", options["addr"]]
        if options["noreload"]:
            web_cmd.append("--noreload")
        procs = {
            "worker": subprocess.Popen([*manage, "run_huey", "--flush-locks"]),  # noqa: S603
            "web": subprocess.Popen(web_cmd),  # noqa: S603
        }
        self.stdout.write(self.style.SUCCESS(f"qifu is serving http://{options['addr']}/ with the worker; Ctrl-C stops both."))

        def stop(*_: Any) -> None:
            for p in procs.values():
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in procs.values()):
                time.sleep(0.5)
            dead = [name for name, p in procs.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(dead)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs.values():
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
