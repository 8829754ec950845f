"""A throwaway Virtuoso 7 for the tests: free loopback ports, a database folder in a temporary
directory, started with ``virtuoso-t +foreground`` and stopped (then the folder goes).

:func:`start_virtuoso` skips the calling test (module) with the reason when Virtuoso is not
installed (Debian package ``virtuoso-opensource``, see scripts/debian-packages.txt).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.live_server import free_port

USER, PASSWORD = "dba", "dba"  # a fresh database's administrator

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
DirsAllowed = ., {dir}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
ThreadsPerQuery = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


class Virtuoso:
    def __init__(self, folder: Path):
        self.folder = folder
        self.http_port = free_port()
        self.sql_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self, binary: str, timeout: float = 90.0) -> None:
        (self.folder / "www").mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        with open(self.folder / "stdout.log", "wb") as log:
            self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)],
                                            stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.process.returncode}):\n{self._log()}")
            try:
                with urllib.request.urlopen(f"{self.sparql_url}?query=ASK%7B%7D", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer within {timeout} s:\n{self._log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # Virtuoso checkpoints and exits
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _log(self) -> str:
        logs = [self.folder / "stdout.log", self.folder / "virtuoso.log"]
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in logs if path.exists())


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t") or next(
        (str(p) for p in (Path("/usr/bin/virtuoso-t"), Path("/usr/local/bin/virtuoso-t")) if p.exists()), None)


def start_virtuoso(folder: Path) -> Virtuoso:
    """A running Virtuoso in ``folder``, or the test is skipped with the reason."""
    binary = virtuoso_binary()
    if binary is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; "
                    "scripts/install-system-deps.sh does it as root)")
    server = Virtuoso(folder)
    server.start(binary)
    return server
