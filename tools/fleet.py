"""A fleet of sessiond nodes behind HAProxy, on loopback: for `scripts/fleet` and the e2e tests.

    fleet = Fleet(store="redis", nodes=3)
    fleet.start()            # nodes, then HAProxy; waits until every node is ready
    fleet.url                # http://127.0.0.1:PORT, round-robin, no stickiness
    fleet.kill_node(0)       # SIGKILL; fleet.start_node(0) brings it back
    fleet.stop()

Stores: in-memory and sqlite (one node only), redis, postgresql, mysql, mongodb. Where each
server is comes from the same variables as the store tests (docs/development.md).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_URLS = {
    "redis": "redis://:sessionpp-test@127.0.0.1:16379/3",
    "postgresql": "postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/sessionpp",
    "mysql": "mysql://sessionpp:sessionpp-test@127.0.0.1:13306/sessionpp",
    "mongodb": "mongodb://sessionpp:sessionpp-test@127.0.0.1:27117/sessionpp",
}
URL_VARIABLES = {
    "redis": "SESSIONPP_TEST_REDIS_URL",
    "postgresql": "SESSIONPP_TEST_PG_URL",
    "mysql": "SESSIONPP_TEST_MYSQL_URL",
    "mongodb": "SESSIONPP_TEST_MONGO_URI",
}
SERVICES = {"redis": "redis", "postgresql": "postgres", "mysql": "mariadb", "mongodb": "ferretdb",
            "redis-cluster": "redis-cluster"}
SINGLE_NODE = {"in-memory", "sqlite"}
STORES = ["in-memory", "sqlite", "redis", "redis-cluster", "postgresql", "mysql", "mongodb"]
CLUSTER_DEFAULT_NODES = ",".join(f"127.0.0.1:{p}" for p in range(17001, 17007))

ADMIN_PASSWORD_ENV = "SESSIOND_ADMIN_PASSWORD"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_sessiond() -> Path:
    explicit = os.environ.get("SESSIOND")
    if explicit:
        return Path(explicit)
    for build in ("build", "build-http"):
        candidate = ROOT / build / "apps" / "sessiond" / "sessiond"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("sessiond is not built: run scripts/setup and build first")


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def persistence_toml(store: str, namespace: str, workdir: Path) -> str:
    """The [security.session_persistence] part of a node's config for `store`."""
    if store == "in-memory":
        return '[security.session_persistence]\ntype = "in-memory"\n'
    if store == "sqlite":
        return (
            '[security.session_persistence]\ntype = "jdbc"\n'
            '[security.session_persistence.jdbc]\ndatabase = "main"\n'
            f"table_prefix = {toml_string(namespace + '_')}\n"
            f'[databases.main]\nurl = {toml_string("sqlite://" + str(workdir / "sessions.db"))}\n'
        )
    if store == "redis-cluster":
        nodes = os.environ.get("SESSIONPP_TEST_REDIS_CLUSTER_NODES", CLUSTER_DEFAULT_NODES)
        password = os.environ.get("SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD", "sessionpp-test")
        seeds = ", ".join(toml_string(n) for n in nodes.split(","))
        return (
            '[security.session_persistence]\ntype = "redis"\n'
            "[security.session_persistence.redis]\n"
            f'mode = "cluster"\ncluster_nodes = [{seeds}]\n'
            f"password = {toml_string(password)}\nkey_prefix = {toml_string(namespace + ':')}\n"
        )
    url = os.environ.get(URL_VARIABLES[store], DEFAULT_URLS[store])
    u = urllib.parse.urlsplit(url)
    password = urllib.parse.unquote(u.password or "")
    user = urllib.parse.unquote(u.username or "")
    path = u.path.lstrip("/")
    if store == "redis":
        return (
            '[security.session_persistence]\ntype = "redis"\n'
            "[security.session_persistence.redis]\n"
            f"host = {toml_string(u.hostname or '127.0.0.1')}\nport = {u.port or 6379}\n"
            f"password = {toml_string(password)}\n"
            + (f"username = {toml_string(user)}\n" if user else "")
            + f"database = {int(path or 0)}\nkey_prefix = {toml_string(namespace + ':')}\n"
        )
    if store in ("postgresql", "mysql"):
        return (
            '[security.session_persistence]\ntype = "jdbc"\n'
            '[security.session_persistence.jdbc]\ndatabase = "main"\n'
            f"table_prefix = {toml_string(namespace + '_')}\n"
            f"[databases.main]\nurl = {toml_string(url)}\n"
        )
    if store == "mongodb":
        return (
            '[security.session_persistence]\ntype = "mongodb"\n'
            "[security.session_persistence.mongodb]\n"
            f"host = {toml_string(u.hostname or '127.0.0.1')}\nport = {u.port or 27017}\n"
            f"database = {toml_string(path or 'sessionpp')}\n"
            f"username = {toml_string(user)}\npassword = {toml_string(password)}\n"
            f"collection = {toml_string(namespace + '_sessions')}\n"
        )
    raise ValueError(f"unknown store '{store}'; one of: {', '.join(STORES)}")


class Node:
    def __init__(self, index: int, port: int, config: Path, log: Path):
        self.index = index
        self.name = f"node-{index + 1}"
        self.port = port
        self.config = config
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Fleet:
    def __init__(self, store: str = "redis", nodes: int = 3, workdir: Path | None = None,
                 admin_password: str | None = None, session_timeout: str = "30m",
                 extra_security_toml: str = ""):
        if store not in STORES:
            raise ValueError(f"unknown store '{store}'; one of: {', '.join(STORES)}")
        if store in SINGLE_NODE and nodes != 1:
            raise ValueError(f"the {store} store is not shared between processes: use 1 node")
        self.store = store
        self.sessiond = find_sessiond()
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=f"fleet-{store}-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.namespace = "fl" + secrets.token_hex(5)
        self.admin_password = admin_password or os.environ.get(ADMIN_PASSWORD_ENV) or \
            secrets.token_urlsafe(12)
        self.session_timeout = session_timeout
        self.extra_security_toml = extra_security_toml
        self.nodes = [Node(i, free_port(), self.workdir / f"node-{i + 1}.toml",
                           self.workdir / f"node-{i + 1}.log") for i in range(nodes)]
        self.port = free_port()
        self.haproxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- configuration -----------------------------------------------------------------------

    def node_config(self, node: Node) -> str:
        return (
            f"[server]\nlisten = \"127.0.0.1:{node.port}\"\nnode_name = \"{node.name}\"\n"
            f"[security]\nauthentication = true\nsession_timeout = \"{self.session_timeout}\"\n"
            f"{self.extra_security_toml}"
            + persistence_toml(self.store, self.namespace, self.workdir)
        )

    def haproxy_config(self) -> str:
        servers = "\n".join(
            f"    server {n.name} 127.0.0.1:{n.port} check" for n in self.nodes)
        return f"""global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
frontend web
    bind 127.0.0.1:{self.port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 1
{servers}
"""

    # --- processes ---------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> "Fleet":
        for node in self.nodes:
            node.config.write_text(self.node_config(node))
            self.start_node(node.index, wait=False)
        for node in self.nodes:
            self.wait_ready(node, timeout)
        cfg = self.workdir / "haproxy.cfg"
        cfg.write_text(self.haproxy_config())
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.haproxy = subprocess.Popen([haproxy, "-f", str(cfg), "-db"],
                                        stdout=open(self.workdir / "haproxy.log", "ab"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if http_status(self.url + "/healthz") == 200:
                    return self
            except OSError:
                pass
            if self.haproxy.poll() is not None:
                raise RuntimeError("haproxy exited: " + (self.workdir / "haproxy.log").read_text())
            time.sleep(0.1)
        raise TimeoutError("haproxy did not answer in time")

    def start_node(self, index: int, wait: bool = True, timeout: float = 30.0) -> None:
        node = self.nodes[index]
        env = dict(os.environ)
        env[ADMIN_PASSWORD_ENV] = self.admin_password
        node.proc = subprocess.Popen([str(self.sessiond), "--config", str(node.config)],
                                     stdout=open(node.log, "ab"), stderr=subprocess.STDOUT,
                                     env=env)
        if wait:
            self.wait_ready(node, timeout)

    def wait_ready(self, node: Node, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.proc is not None and node.proc.poll() is not None:
                raise RuntimeError(f"{node.name} exited with {node.proc.returncode}:\n"
                                   + node.log.read_text()[-4000:])
            try:
                if http_status(node.url + "/readyz") == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{node.name} not ready after {timeout} s:\n" + node.log.read_text()[-4000:])

    def kill_node(self, index: int, sig: int = signal.SIGKILL) -> None:
        node = self.nodes[index]
        if node.proc is not None and node.proc.poll() is None:
            node.proc.send_signal(sig)
            node.proc.wait(timeout=30)

    def stop(self) -> None:
        terminate(self.haproxy, 10)
        for node in self.nodes:
            terminate(node.proc, 15)

    def __enter__(self) -> "Fleet":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def terminate(proc: subprocess.Popen | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL if `proc` has not ended within `timeout` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def http_status(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def ensure_service(store: str) -> None:
    """Starts the test server `store` needs through scripts/services (a no-op when running)."""
    service = SERVICES.get(store)
    if service:
        subprocess.run([str(ROOT / "scripts" / "services"), "start", service], check=True)
