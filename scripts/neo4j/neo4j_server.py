"""A throwaway Neo4j Community server, assembled from Maven Central jars and run on the local Java.

Docker is not available everywhere the project is developed, and nothing is to be downloaded from
neo4j.com, so the server is built from the ``org.neo4j:neo4j`` artifact (``pom.xml`` next to this file):
Maven copies it and its 200-odd runtime jars into ``lib/``. ``org.neo4j.server.CommunityEntryPoint`` is
then started directly: the ``bin/neo4j`` script is not on Maven Central, and the Java launcher behind it
(``Neo4jCommand``) would only start the server in a second JVM.

Standard library only, so that it runs before the project is installed. Used as a module by tests::

    with Neo4jServer(fresh=True) as server:
        driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)

and as a command line tool by developers (``python scripts/neo4j/neo4j_server.py --help``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

SCRIPT_DIR = Path(__file__).resolve().parent
POM = SCRIPT_DIR / "pom.xml"
REPO_ROOT = SCRIPT_DIR.parents[1]
DEFAULT_HOME = REPO_ROOT / ".neo4j"
# The jars are shared by every home (tests may use a temporary one), so they are fetched once per checkout.
DEFAULT_LIB = DEFAULT_HOME / "lib"

HOST = "127.0.0.1"
USER = "neo4j"
MIN_JAVA = 17
VERSION_MARKER = ".neo4j-version"
PID_FILE = "neo4j-server.pid"  # ours; Neo4j writes (and removes) run/neo4j.pid itself
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
STOP_TIMEOUT = 30.0
# What Neo4j keeps in its data directory; `fresh` wipes a directory only if it holds nothing else.
NEO4J_DATA_ENTRIES = frozenset({"databases", "transactions", "dbms", "server_id", "cluster-state"})
TAIL_LINES = 30

# The JVM flags of the Neo4j 5.26 distribution's default conf/neo4j.conf (server.jvm.additional) that matter
# for a small, loopback-only test server on Java 17. Left out: -XX:+AlwaysPreTouch (commits the whole heap
# up front: slower start, more memory taken from the tests running alongside), -XX:+TrustFinalNonStaticFields
# and -XX:+DisableExplicitGC (throughput tuning), the flight-recorder and safepoint profiling flags, and the
# TLS hardening flags (Bolt runs without TLS on 127.0.0.1).
JVM_FLAGS = (
    # Pinned because Java picks SerialGC instead on machines with fewer than 2 CPUs or about 2 GB (small runners).
    "-XX:+UseG1GC",
    # Keep stack traces of exceptions that are thrown often, so debug.log stays useful.
    "-XX:-OmitStackTraceInFastThrow",
    # Not in the default list: a test server out of heap should die loudly instead of limping on.
    "-XX:+ExitOnOutOfMemoryError",
    # Bound the JDK's per-thread cache of temporary direct buffers.
    "-Djdk.nio.maxCachedBufferSize=1024",
    # Let Netty (Bolt) allocate direct buffers without a Cleaner; needs the java.nio opening below.
    "-Dio.netty.tryReflectionSetAccessible=true",
    # Java 17 encapsulates JDK internals strongly; Neo4j's page cache and Netty reach into these packages.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    # Neo4j's default; Java 17 accepts it (JEP 412), and 21+ would warn without it when native code is called.
    "--enable-native-access=ALL-UNNAMED",
    # Neo4j's default: log4j registers no JMX beans (nothing here reads them).
    "-Dlog4j2.disable.jmx=true",
    # Added by Neo4j's launcher: Java 17 still takes the default charset from the locale (UTF-8 only from 18).
    "-Dfile.encoding=UTF-8",
)


class Neo4jServerError(RuntimeError):
    """The server could not be assembled, started or stopped; the message says why and what to look at."""


def log(message: str) -> None:
    """Progress goes to stderr, so that stdout carries only what a caller may parse (URI, export line)."""
    print(message, file=sys.stderr, flush=True)


def neo4j_version(pom: Path = POM) -> str:
    """The Neo4j version pinned in ``pom.xml``: the single place where it is set."""
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    element = ET.parse(pom).getroot().find("m:properties/m:neo4j.version", namespace)
    if element is None or not (element.text or "").strip():
        raise Neo4jServerError(f"no <neo4j.version> property in {pom}")
    return element.text.strip()


def java_version(java: str = "java") -> int:
    """The feature version (17, 21, ...) of ``java``; Neo4j 5.26 needs 17 or later, so anything older fails here.

    ``java -version`` prints e.g. ``openjdk version "17.0.15" 2025-04-15`` (or ``"1.8.0_392"`` for Java 8)
    on stderr.
    """
    if shutil.which(java) is None:
        raise Neo4jServerError(f"Java not found ({java!r} is not on PATH); Neo4j {neo4j_version()} needs Java 17+")
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        raise Neo4jServerError(f"cannot read the Java version from `{java} -version`: {result.stderr.strip()!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0" is Java 8
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise Neo4jServerError(f"{java} is Java {major}; Neo4j {neo4j_version()} needs Java {MIN_JAVA} or later")
    return major


def _lib_is_current(lib_dir: Path, version: str) -> bool:
    marker = lib_dir / VERSION_MARKER
    return marker.is_file() and marker.read_text().strip() == version and any(lib_dir.glob("*.jar"))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock, so that two test sessions assembling the same lib/ at once do not mix their copies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _find_mvn() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(
            "Maven (`mvn`) is not on PATH; it fetches Neo4j's jars from Maven Central. "
            "Install it (e.g. `apt-get install maven`) and run this again."
        )
    return mvn


def _copy_jars(mvn: str, target: Path) -> None:
    command = [
        mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
        f"-DoutputDirectory={target}", "-DincludeScope=runtime",
    ]  # fmt: skip
    # Maven's output (even with -q, a few terminal colour codes) is shown only when it failed.
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-TAIL_LINES:]
        failed = f"`{' '.join(command)}` failed with exit code {result.returncode}:"
        raise Neo4jServerError("\n".join([failed, *output]))


def assemble(home: Path = DEFAULT_HOME, *, lib_dir: Path | None = None) -> Path:
    """Copy Neo4j's runtime jars into ``home/lib`` (or ``lib_dir``) unless they are already there; return the dir.

    A marker file holds the version from ``pom.xml``: bumping the version there re-assembles. The copy goes
    to a sibling directory first and replaces lib/ only when complete, so an interrupted run leaves no half
    set of jars behind. Maven caches the jars in ~/.m2, so a re-assembly is quick and offline.
    """
    lib_dir = Path(lib_dir or Path(home) / "lib").resolve()
    version = neo4j_version()
    if _lib_is_current(lib_dir, version):
        return lib_dir
    with _locked(lib_dir.with_name(lib_dir.name + ".lock")):
        if _lib_is_current(lib_dir, version):  # another process assembled it while we waited
            return lib_dir
        mvn = _find_mvn()
        log(f"assembling Neo4j {version} from Maven Central into {lib_dir} …")
        started = time.monotonic()
        partial = lib_dir.with_name(lib_dir.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        _copy_jars(mvn, partial)
        (partial / VERSION_MARKER).write_text(version + "\n")
        shutil.rmtree(lib_dir, ignore_errors=True)
        partial.rename(lib_dir)
        jars = sum(1 for _ in lib_dir.glob("*.jar"))
        log(f"assembled Neo4j {version}: {jars} jars in {time.monotonic() - started:.0f} s")
    return lib_dir


def free_port() -> int:
    """A port that was free a moment ago: the kernel's pick for port 0, so parallel servers do not collide."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bolt_handshake(port: int, host: str = HOST, timeout: float = 1.0) -> bool:
    """True when a Bolt server answers the version handshake on ``host:port``.

    A listening socket alone is not enough: the handshake is answered only once the Bolt connector runs.
    The client sends the magic 0x6060B017 and four version proposals (``00 range minor major``); here
    5.8 down to 5.0, then 4.4. Any 4-byte answer, even "no common version", means Bolt is serving.
    """
    proposal = bytes.fromhex("6060B017") + bytes.fromhex("00080805 00000404 00000000 00000000")
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(proposal)
            answer = b""
            while len(answer) < 4:
                chunk = sock.recv(4 - len(answer))
                if not chunk:
                    return False
                answer += chunk
            return True
    except OSError:
        return False


def _read_from(path: Path, offset: int = 0) -> str:
    """The text of ``path`` from byte ``offset`` on; from the start if the file shrank (it was replaced)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset if offset <= path.stat().st_size else 0)
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _tail(path: Path, offset: int = 0, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of ``path`` written after byte ``offset`` (the part written by this run)."""
    return "\n".join(_read_from(path, offset).splitlines()[-lines:]) or f"(nothing in {path.name})"


def _process_alive(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped) counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def _signal_group(pid: int, signum: int) -> None:
    """Signal the server's process group (it leads its own, see ``start``), or the process alone if it does not."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)


class Neo4jServer:
    """One Neo4j Community server on 127.0.0.1, its files under ``home``.

    ``home`` holds conf/ (rewritten at every start), logs/, run/ (pid file), plugins/ and, by default, data/.
    The jars come from ``lib_dir``, by default the checkout's shared ``.neo4j/lib``.

    Authentication is off unless a ``password`` is given: the server listens on the loopback interface only
    and its data is throwaway test data, so a password would protect nothing and every test and developer
    would have to carry it around. With a password, auth is on and the ``neo4j`` user gets that password
    (at least 8 characters, Neo4j's minimum). Neo4j applies an initial password only while the user still
    has the built-in default one, i.e. on a new data directory: use ``fresh=True`` when switching.

    Memory defaults suit a 2-core, 24 GiB machine that runs the test suite alongside: 512m-1g heap and
    512m page cache: about 650 MB resident when idle, roughly 2 GiB at most.
    """

    def __init__(
        self,
        home: Path | str = DEFAULT_HOME,
        *,
        port: int | None = None,
        password: str | None = None,
        data_dir: Path | str | None = None,
        lib_dir: Path | str | None = None,
        heap_initial: str = "512m",
        heap_max: str = "1g",
        pagecache: str = "512m",
        fresh: bool = False,
        daemon: bool = False,
        java: str = "java",
    ):
        self.home = Path(home).resolve()
        self.port = port
        self.password = password
        self.data_dir = Path(data_dir).resolve() if data_dir else self.home / "data"
        self.lib_dir = Path(lib_dir).resolve() if lib_dir else DEFAULT_LIB
        self.heap_initial = heap_initial
        self.heap_max = heap_max
        self.pagecache = pagecache
        self.fresh = fresh
        # A daemon outlives this Python process (the command line's `start`); otherwise it is stopped at exit.
        self.daemon = daemon
        self.java = java
        self._process: subprocess.Popen[bytes] | None = None

    # -- where things are -------------------------------------------------------------------------------

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / PID_FILE

    @property
    def uri(self) -> str:
        """The driver URI, e.g. ``bolt://127.0.0.1:7687``."""
        return f"bolt://{HOST}:{self._known_port()}"

    @property
    def auth(self) -> tuple[str, str] | None:
        """The driver's ``auth`` argument: None when auth is off."""
        return (USER, self.password) if self.password else None

    @property
    def store_url(self) -> str:
        """The app's GRAPHKB_STORE for this server (``neo4j://[user:password@]127.0.0.1:PORT``)."""
        credentials = f"{USER}:{quote(self.password, safe='')}@" if self.password else ""
        return f"neo4j://{credentials}{HOST}:{self._known_port()}"

    def _known_port(self) -> int:
        port = self.port or self.configured_port()
        if port is None:
            raise Neo4jServerError("the server has no port yet: start it first")
        return port

    def configured_port(self) -> int | None:
        """The Bolt port in conf/neo4j.conf: how ``status`` finds a server started by another process."""
        try:
            text = (self.conf_dir / "neo4j.conf").read_text()
        except OSError:
            return None
        match = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", text, re.MULTILINE)
        return int(match.group(1)) if match else None

    # -- life cycle -------------------------------------------------------------------------------------

    def running_pid(self) -> int | None:
        """The pid of this home's server if it runs, whether started by this object or by an earlier process.

        A pid from the pid file counts only if that process still is this home's Neo4j: pids get reused.
        """
        if self._process is not None and self._process.poll() is None:
            return self._process.pid
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        cmdline = _cmdline(pid)
        if _process_alive(pid) and ENTRY_POINT in cmdline and f"--home-dir={self.home}" in cmdline:
            return pid
        return None

    def start(self, timeout: float = 120.0) -> Neo4jServer:
        """Write the configuration, launch the JVM and wait until Bolt answers and neo4j.log says "Started."."""
        if pid := self.running_pid():
            raise Neo4jServerError(
                f"a server already runs from {self.home} (pid {pid}); "
                f"stop it first: python {Path(__file__)} stop --home {self.home}"
            )
        java_version(self.java)
        assemble(lib_dir=self.lib_dir)
        self._prepare_dirs()
        self.port = self._check_port(self.port) if self.port else free_port()
        self._write_conf()
        if self.password:
            self._set_initial_password()
        log_offset = self._size(self.logs_dir / "neo4j.log")
        log(f"starting Neo4j {neo4j_version()} on {self.uri} from {self.home} …")
        self._launch()
        try:
            self._wait_until_ready(timeout, log_offset)
        except BaseException:  # including Ctrl-C: never leave a half-started JVM behind
            self.stop()
            raise
        return self

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM (Neo4j shuts down cleanly, checkpointing), then SIGKILL after ``timeout`` seconds."""
        atexit.unregister(self.stop)
        pid = self.running_pid()
        if pid is not None:
            _signal_group(pid, signal.SIGTERM)
            if not self._wait_for_exit(pid, timeout):
                log(f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s; killing it")
                _signal_group(pid, signal.SIGKILL)
                self._wait_for_exit(pid, 10.0)
        if self._process is not None:
            self._process.poll()  # reap it
            self._process = None
        self.pid_file.unlink(missing_ok=True)

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- steps of start ---------------------------------------------------------------------------------

    def _prepare_dirs(self) -> None:
        if self.fresh:
            self._wipe_data()
        for directory in (self.conf_dir, self.logs_dir, self.pid_file.parent, self.home / "plugins", self.data_dir):
            directory.mkdir(parents=True, exist_ok=True)

    def _wipe_data(self) -> None:
        """Delete the data directory, but only if it holds nothing but Neo4j's files: ``--data`` may be mistyped."""
        if not self.data_dir.exists():
            return
        strangers = sorted(entry.name for entry in self.data_dir.iterdir() if entry.name not in NEO4J_DATA_ENTRIES)
        if strangers:
            raise Neo4jServerError(
                f"not wiping {self.data_dir}: it holds more than Neo4j's data ({', '.join(strangers[:5])})"
            )
        shutil.rmtree(self.data_dir)

    @staticmethod
    def _check_port(port: int) -> int:
        """Fail now, not after Neo4j has spent its whole start-up, when a chosen port is taken."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # as Neo4j's own listener does: connections of a stopped server in TIME_WAIT do not block a restart
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, port))
            except OSError as error:
                raise Neo4jServerError(f"cannot use port {port} on {HOST}: {error.strerror}") from error
        return port

    def _conf_lines(self) -> list[str]:
        return [
            "# Written by scripts/neo4j/neo4j_server.py at every start: edits here are overwritten.",
            # Loopback only, Bolt only: nothing else on the network can reach the test server.
            f"server.default_listen_address={HOST}",
            f"server.default_advertised_address={HOST}",
            "server.bolt.enabled=true",
            f"server.bolt.listen_address={HOST}:{self.port}",
            f"server.bolt.advertised_address={HOST}:{self.port}",
            "server.http.enabled=false",
            "server.https.enabled=false",
            # The project makes no requests to outside hosts; Neo4j's usage report would.
            "dbms.usage_report.enabled=false",
            f"dbms.security.auth_enabled={'true' if self.password else 'false'}",
            f"server.memory.heap.initial_size={self.heap_initial}",
            f"server.memory.heap.max_size={self.heap_max}",
            f"server.memory.pagecache.size={self.pagecache}",
            f"server.directories.data={self.data_dir}",
            f"server.directories.lib={self.lib_dir}",
            "server.directories.logs=logs",
            "server.directories.plugins=plugins",
            "server.directories.run=run",
            # Tests run many small queries; logging each one is disk I/O for nothing.
            "db.logs.query.enabled=OFF",
            # Bolt waits 5 s (twice) for a quiet network thread pool at shutdown; Neo4j's test harness sets 0.
            "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
            # Not read by CommunityEntryPoint (the JVM is already running); recorded for Neo4j's own launcher.
            *(f"server.jvm.additional={flag}" for flag in JVM_FLAGS),
        ]

    def _write_conf(self) -> None:
        (self.conf_dir / "neo4j.conf").write_text("\n".join(self._conf_lines()) + "\n")

    def _classpath(self) -> str:
        # The same order as Neo4j's launcher: plugins first, so a dropped-in APOC jar is found.
        return f"{self.home / 'plugins'}/*:{self.lib_dir}/*"

    def _set_initial_password(self) -> None:
        """Neo4j 5's way to set the password: ``neo4j-admin dbms set-initial-password``, run as ``AdminTool``.

        ``AdminTool`` is what the ``neo4j-admin`` launcher runs in a second JVM; calling it directly saves one.

        It writes data/dbms/auth.ini, which the server applies on start while the user still has the
        default password. The password is visible in the process list for about a second.
        """
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        command = [self.java, "-cp", self._classpath(), ADMIN_TOOL, "dbms", "set-initial-password", self.password]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip().splitlines()
            raise Neo4jServerError("setting the initial password failed:\n" + "\n".join(output[-TAIL_LINES:]))

    def _java_command(self) -> list[str]:
        return [
            self.java, "-cp", self._classpath(),
            f"-Xms{self.heap_initial}", f"-Xmx{self.heap_max}", *JVM_FLAGS,
            ENTRY_POINT, f"--home-dir={self.home}", f"--config-dir={self.conf_dir}",
        ]  # fmt: skip

    def _launch(self) -> None:
        """Start the JVM in its own session and process group: no terminal signals reach it, and stop()
        can signal the whole group. Its stdout and stderr (JVM errors before logging starts) go to console.log.
        """
        with (self.logs_dir / "console.log").open("wb") as console:
            self._process = subprocess.Popen(
                self._java_command(),
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")
        if not self.daemon:
            atexit.register(self.stop)

    def _wait_until_ready(self, timeout: float, log_offset: int) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise Neo4jServerError(
                    f"Neo4j exited with code {self._process.returncode} while starting\n" + self._logs(log_offset)
                )
            if bolt_handshake(self.port) and "Started." in self._new_log_text(log_offset):
                return
            time.sleep(0.2)
        raise Neo4jServerError(f"Neo4j did not start within {timeout:.0f} s\n" + self._logs(log_offset))

    def _wait_for_exit(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.pid == pid:
                if self._process.poll() is not None:
                    return True
            elif not _process_alive(pid):
                return True
            time.sleep(0.1)
        return False

    # -- logs -------------------------------------------------------------------------------------------

    @staticmethod
    def _size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    def _new_log_text(self, offset: int) -> str:
        """neo4j.log is appended to across runs: only what this run wrote counts."""
        return _read_from(self.logs_dir / "neo4j.log", offset)

    def _logs(self, log_offset: int) -> str:
        return (
            f"--- {self.logs_dir / 'console.log'} (last {TAIL_LINES} lines) ---\n"
            f"{_tail(self.logs_dir / 'console.log')}\n"
            f"--- {self.logs_dir / 'neo4j.log'} (last {TAIL_LINES} lines) ---\n"
            f"{_tail(self.logs_dir / 'neo4j.log', log_offset)}\n"
            f"(more in {self.logs_dir / 'debug.log'})"
        )


# -- command line ---------------------------------------------------------------------------------------


def _server(args: argparse.Namespace, **options: object) -> Neo4jServer:
    return Neo4jServer(args.home, lib_dir=args.lib, **options)


def _cmd_assemble(args: argparse.Namespace) -> int:
    print(assemble(args.home, lib_dir=args.lib))
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    server = _server(
        args,
        port=args.port,
        password=args.password,
        data_dir=args.data,
        heap_initial=args.heap_initial,
        heap_max=args.heap_max,
        pagecache=args.pagecache,
        fresh=args.fresh,
        daemon=True,
    )
    started = time.monotonic()
    server.start(timeout=args.timeout)
    log(
        f"Neo4j {neo4j_version()} started in {time.monotonic() - started:.1f} s (pid {server.running_pid()}), "
        f"logs in {server.logs_dir}; stop it with: python {Path(__file__)} stop --home {server.home}"
    )
    print(server.uri)
    print(f"export GRAPHKB_STORE={server.store_url}")
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    server = _server(args)
    pid = server.running_pid()
    if pid is None:
        log(f"no Neo4j server runs from {server.home}")
        return 0
    server.stop()
    log(f"stopped Neo4j (pid {pid})")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    server = _server(args)
    pid = server.running_pid()
    if pid is None:
        print(f"stopped ({server.home})")
        return 3  # the LSB status code for "not running"
    port = server.configured_port()
    state = "running" if port and bolt_handshake(port) else "running, Bolt not answering"
    print(f"{state}: pid {pid}, {server.uri}, home {server.home}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, default=DEFAULT_HOME, help="conf/, logs/, run/, data/ (%(default)s)")
    common.add_argument("--lib", type=Path, default=DEFAULT_LIB, help="the jars (%(default)s)")
    commands.add_parser("assemble", parents=[common], help="copy the jars from Maven Central into lib/")
    start = commands.add_parser("start", parents=[common], help="start a server that keeps running")
    start.add_argument("--port", type=int, help="Bolt port (default: a free one)")
    start.add_argument("--password", help="turn auth on; user neo4j gets this password (8+ characters)")
    start.add_argument("--data", type=Path, help="data directory (default: HOME/data)")
    start.add_argument("--fresh", action="store_true", help="wipe the data directory first")
    start.add_argument("--heap-initial", default="512m", help="JVM heap at start (%(default)s)")
    start.add_argument("--heap-max", default="1g", help="JVM heap limit (%(default)s)")
    start.add_argument("--pagecache", default="512m", help="Neo4j's page cache, off-heap (%(default)s)")
    start.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for start-up")
    commands.add_parser("stop", parents=[common], help="stop the server started from HOME")
    commands.add_parser("status", parents=[common], help="is a server running from HOME? (exit 3 if not)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"assemble": _cmd_assemble, "start": _cmd_start, "stop": _cmd_stop, "status": _cmd_status}
    try:
        return handlers[args.command](args)
    except Neo4jServerError as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
