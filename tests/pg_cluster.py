"""A throwaway PostgreSQL cluster for the tests that need a real server (team mode).

The distribution's PostgreSQL binaries (Debian: /usr/lib/postgresql/<version>/bin) create a
cluster in a temporary folder (``initdb``), serve it on a free port of 127.0.0.1 only, and the
whole folder is removed when the tests end. Durability is switched off (``fsync=off``): the
cluster is thrown away, and it starts in about two seconds.

``initdb`` refuses to run as root, so under root (CI containers) every server command runs as
the ``postgres`` system user, in a folder that user owns. Anything missing (no binaries, no
such user, a cluster that does not start) is a ``ClusterUnavailable`` whose message says why:
the tests that need the server are then skipped with that reason, never failed.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 30


class ClusterUnavailable(Exception):
    """No PostgreSQL cluster could be started here; the message says why."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    configured = os.environ.get("CSM_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _major_version(initdb: str) -> int:
    name = Path(initdb).parent.parent.name  # /usr/lib/postgresql/<15>/bin/initdb
    return int(name) if name.isdigit() else 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running cluster: a superuser ``postgres`` trusted on 127.0.0.1:``port``."""

    bin_dir: Path
    folder: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
        )

    def restart(self) -> None:
        """Stop the server as a crash would (``-m immediate``: every connection cut, no
        checkpoint) and start it again on the same port; it recovers from its WAL."""
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-m", "immediate", "-w", "restart",
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterUnavailable(f"pg_ctl restart failed: {done.stderr.strip()}")
        _wait_accepting(self)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Create and start a cluster; raises ``ClusterUnavailable`` with the reason."""
    bin_dir = find_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        raise ClusterUnavailable(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
            "install it with `apt-get install -y postgresql` or set CSM_PG_BIN"
        )
    run_as: str | None = None
    folder = Path(tempfile.mkdtemp(prefix="csm-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ClusterUnavailable("running as root and there is no `postgres` user") from exc
        run_as = "postgres"
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(bin_dir, folder, _free_port(), run_as)
    steps = (
        (
            "initdb",
            ("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "--no-sync"),
        ),
        (
            "pg_ctl start",
            (
                "pg_ctl",
                "-D",
                str(cluster.data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-o",
                f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off",
                "start",
            ),
        ),
    )
    for name, args in steps:
        try:
            done = cluster._run(*args)
        except (OSError, subprocess.TimeoutExpired) as exc:
            cluster.stop()
            raise ClusterUnavailable(f"{name} failed: {exc}") from exc
        if done.returncode != 0:
            log = folder / "server.log"
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            if log.exists():
                detail = log.read_text(errors="replace").strip().splitlines()[-1:] or detail
            cluster.stop()
            raise ClusterUnavailable(f"{name} failed: {detail[0]}")
        if name == "initdb":
            _passwords_for(cluster, PASSWORD_GROUP)
    _wait_accepting(cluster)
    return cluster


PASSWORD_GROUP = "password_login"
"""Members of this role must give their password (SCRAM); everyone else is trusted."""


def _passwords_for(cluster: Cluster, group: str) -> None:
    """Put a password rule for ``group``'s members before initdb's trust rules, so a test
    can sign in as a CSM who needs a password (the role is made by the test)."""
    hba = cluster.data / "pg_hba.conf"
    rule = f"host all +{group} 127.0.0.1/32 scram-sha-256\n"
    hba.write_text(rule + hba.read_text())


def _wait_accepting(cluster: Cluster) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", cluster.port), timeout=1):
                return
        except OSError as exc:
            if time.monotonic() > deadline:
                cluster.stop()
                raise ClusterUnavailable(f"the server did not accept connections: {exc}") from exc
            time.sleep(0.1)
