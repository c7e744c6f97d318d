#!/usr/bin/env python3
"""Horizontal scaling end to end: 3 real sessiond nodes behind HAProxy on one shared store.

    python3 tests/e2e/fleet_test.py --store redis [-v] [unittest args]

Starts the store's test server through scripts/services if it is not running (with CI=true a
store that cannot be started fails the run). Prints, per store, the requests served, the split
per node and the longest recovery after a store restart.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import fleet as fleetlib  # noqa: E402

STORE = "redis"
STATS: dict[str, object] = collections.defaultdict(int)


class Client:
    """One browser: a cookie jar of one cookie, plain HTTP/1.1 to one host:port."""

    def __init__(self, port: int, cookie: str | None = None):
        self.port = port
        self.cookie = cookie
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict | None = None, port: int | None = None):
        if isinstance(body, str):
            body = body.encode()
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = f"SESSION={self.cookie}"
        target_port = port or self.port
        for attempt in range(2):
            if port is not None:
                conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
            else:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
                conn = self.conn
            try:
                conn.request(method, path, body=body, headers=h)
                r = conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection closed by the server: reconnect once.
                conn.close()
                if port is None:
                    self.conn = None
                if attempt == 1:
                    raise
            except Exception:
                # Any other failure leaves the connection mid-exchange: never reuse it.
                conn.close()
                if port is None:
                    self.conn = None
                raise
        if port is not None:
            conn.close()
        for name, value in r.getheaders():
            if name.lower() == "set-cookie" and value.startswith("SESSION="):
                v = value.split(";", 1)[0][len("SESSION="):]
                self.cookie = v or None
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def login(self, password: str, user: str = "admin") -> None:
        status, _, body = self.request("POST", "/api/login",
                                       json.dumps({"username": user, "password": password}),
                                       {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        assert self.cookie, "login set no cookie"


def redis_cli(port: int, *args: str) -> str:
    password = os.environ.get("SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD", "sessionpp-test")
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "-a", password,
                           "--no-auth-warning", *args],
                          check=True, capture_output=True, text=True).stdout


def cluster_primary_port(timeout: float = 30.0) -> int:
    """A Redis Cluster primary holding slots whose replica is in sync (so it can take over)."""
    nodes = os.environ.get("SESSIONPP_TEST_REDIS_CLUSTER_NODES", fleetlib.CLUSTER_DEFAULT_NODES)
    seed = int(nodes.split(",")[0].split(":")[1])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in redis_cli(seed, "cluster", "nodes").splitlines():
            fields = line.split()
            if "master" not in fields[2] or "fail" in fields[2] or len(fields) <= 8:
                continue
            port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
            if "state=online" in redis_cli(port, "info", "replication"):
                return port
        time.sleep(0.2)
    raise RuntimeError("no cluster primary with an in-sync replica")


def cluster_node_pid(port: int) -> int:
    """The pid of the Redis Cluster node on `port`, as the node itself reports it."""
    for line in redis_cli(port, "info", "server").splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":", 1)[1])
    raise RuntimeError(f"no process_id in INFO server of 127.0.0.1:{port}")


class FleetTest(unittest.TestCase):
    fleet: fleetlib.Fleet

    @classmethod
    def setUpClass(cls):
        fleetlib.ensure_service(STORE)
        cls.fleet = fleetlib.Fleet(store=STORE, nodes=3).start()

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()

    def setUp(self):
        # A test that restarted nodes or the store leaves them up; make sure all are ready.
        for node in self.fleet.nodes:
            if node.proc is None or node.proc.poll() is not None:
                self.fleet.start_node(node.index)
        self.port = self.fleet.port
        self.wait_for(lambda: Client(self.port).request("GET", "/readyz")[0] == 200, 20,
                      "fleet ready")

    def wait_for(self, predicate, timeout: float, what: str) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            try:
                if predicate():
                    return time.monotonic() - start
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        self.fail(f"{what}: not within {timeout} s")

    def signed_in(self) -> Client:
        c = Client(self.port)
        c.login(self.fleet.admin_password)
        return c

    # --- the tests ---------------------------------------------------------------------------

    def test_every_node_sees_the_login(self):
        c = self.signed_in()
        served = collections.Counter()
        for i in range(300):
            status, headers, body = c.request("GET", "/api/session")
            self.assertEqual(status, 200, f"request {i}: {body[:200]!r}")
            self.assertEqual(json.loads(body)["user"], "admin")
            served[headers.get("x-served-by")] += 1
        self.assertEqual(set(served), {n.name for n in self.fleet.nodes}, served)
        STATS["requests"] += 300
        STATS["split"] = dict(served)

    def test_counter_incremented_300_times_in_sequence(self):
        c = self.signed_in()
        for i in range(300):
            status, _, body = c.request("GET", "/api/session/attributes/counter")
            value = int(body) if status == 200 else 0
            self.assertIn(status, (200, 404))
            self.assertEqual(value, i, "a write was lost or read stale")
            status, _, _ = c.request("PUT", "/api/session/attributes/counter", str(value + 1))
            self.assertEqual(status, 204)
        status, _, body = c.request("GET", "/api/session/attributes/counter")
        self.assertEqual((status, body), (200, b"300"))
        STATS["requests"] += 601

    def test_concurrent_writers_to_one_session_keep_every_last_value(self):
        c = self.signed_in()
        errors: list[str] = []

        def writer(k: int):
            mine = Client(self.port, c.cookie)
            for j in range(200):
                status, _, body = mine.request("PUT", f"/api/session/attributes/w{k}", str(j))
                if status != 204:
                    errors.append(f"writer {k} write {j}: {status} {body[:100]!r}")

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        status, _, body = c.request("GET", "/api/session")
        self.assertEqual(status, 200)
        attributes = json.loads(body)["attributes"]
        for k in range(8):
            self.assertEqual(attributes.get(f"w{k}"), "199", f"writer {k}")
        STATS["requests"] += 1601

    def test_logout_on_one_node_ends_the_session_on_every_node(self):
        c = self.signed_in()
        cookie = c.cookie
        status, headers, _ = c.request("POST", "/api/logout")
        self.assertEqual(status, 204)
        for node in self.fleet.nodes:
            stale = Client(node.port, cookie)
            status, _, _ = stale.request("GET", "/api/session")
            self.assertEqual(status, 401, f"{node.name} still accepts the logged-out cookie")

    def test_slow_request_in_flight_at_logout_does_not_revive_the_session(self):
        c = self.signed_in()
        cookie = c.cookie
        node = self.fleet.nodes[1]
        # The write is held between its load and its save by the test hook, then logout lands.
        result = {}

        def slow_write():
            slow = Client(node.port, cookie)
            result["status"] = slow.request(
                "PUT", "/api/session/attributes/late", "value",
                {"X-Test-Delay-After-Load-Ms": "1500"}, port=node.port)[0]

        t = threading.Thread(target=slow_write)
        t.start()
        time.sleep(0.5)
        logout = Client(self.fleet.nodes[0].port, cookie)
        self.assertEqual(logout.request("POST", "/api/logout", port=self.fleet.nodes[0].port)[0],
                         204)
        t.join()
        self.assertNotEqual(result.get("status"), 500)
        for n in self.fleet.nodes:
            status, _, _ = Client(n.port, cookie).request("GET", "/api/session", port=n.port)
            self.assertEqual(status, 401, f"{n.name}: the late write brought the session back")

    def test_kill_9_of_a_node_under_load_logs_nobody_out(self):
        clients = [self.signed_in() for _ in range(4)]
        stop = threading.Event()
        statuses = collections.Counter()
        lock = threading.Lock()

        def load(c: Client):
            while not stop.is_set():
                try:
                    status = c.request("GET", "/api/session")[0]
                except OSError:
                    status = -1
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=load, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        time.sleep(1.0)
        self.fleet.kill_node(2)
        time.sleep(3.0)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(statuses[401], 0, statuses)
        self.assertGreater(statuses[200], 50, statuses)
        for c in clients:
            self.assertEqual(c.request("GET", "/api/session")[0], 200)
        STATS["requests"] += sum(statuses.values())
        STATS["kill9_non_200"] = sum(v for k, v in statuses.items() if k != 200)
        self.fleet.start_node(2)

    def test_cluster_primary_killed_under_load_logs_nobody_out(self):
        if STORE != "redis-cluster":
            self.skipTest("cluster only; other stores take a whole-store outage below")
        clients = [self.signed_in() for _ in range(3)]
        stop = threading.Event()
        statuses = collections.Counter()
        lock = threading.Lock()

        def load(c: Client):
            while not stop.is_set():
                try:
                    status = c.request("GET", "/api/session")[0]
                except (OSError, http.client.HTTPException):
                    status = -1
                with lock:
                    statuses[status] += 1
                time.sleep(0.01)

        threads = [threading.Thread(target=load, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        time.sleep(1.0)
        primary = cluster_primary_port()
        time.sleep(1.0)  # the sessions above are a second old when the primary dies
        os.kill(cluster_node_pid(primary), signal.SIGKILL)
        killed_at = time.monotonic()
        try:
            # Fresh connections: the load threads own the clients' own.
            self.wait_for(lambda: all(Client(self.port, c.cookie).request("GET", "/api/session")[0]
                                      == 200 for c in clients), 10.0,
                          f"every client answered 200 after the failover (seen: {statuses})")
            recovery = time.monotonic() - killed_at
            time.sleep(1.0)
        finally:
            stop.set()
            for t in threads:
                t.join()
            subprocess.run([str(ROOT / "scripts" / "services"), "start", "redis-cluster"],
                           check=True)
        self.assertEqual(statuses[401], 0, statuses)
        self.assertNotIn(500, statuses, statuses)
        STATS["recovery_s"] = max(float(STATS.get("recovery_s", 0.0)), recovery)
        STATS["requests"] += sum(statuses.values())

    def test_store_outage_is_503_and_heals_without_restarts(self):
        if STORE == "redis-cluster":
            self.skipTest("the cluster's nodes keep no data on disk; its failover is tested above")
        service = fleetlib.SERVICES[STORE]
        c = self.signed_in()
        self.assertEqual(c.request("GET", "/api/session")[0], 200)
        pids = [n.proc.pid for n in self.fleet.nodes]
        subprocess.run([str(ROOT / "scripts" / "services"), "stop", service], check=True)
        try:
            seen = collections.Counter()
            for _ in range(20):
                status, headers, body = c.request("GET", "/api/session")
                seen[status] += 1
                self.assertNotEqual(status, 500, body[:200])
                self.assertNotIn("set-cookie", headers, "a fresh cookie during an outage")
                time.sleep(0.05)
            self.assertEqual(set(seen), {503}, seen)
        finally:
            subprocess.run([str(ROOT / "scripts" / "services"), "start", service], check=True)
        after = collections.Counter()

        def healed() -> bool:
            status = c.request("GET", "/api/session")[0]
            after[status] += 1
            return status == 200

        recovery = self.wait_for(healed, 5.0,
                                 f"200 again after the store restarted (seen: {after})")
        STATS["recovery_s"] = max(float(STATS.get("recovery_s", 0.0)), recovery)
        self.assertEqual([n.proc.pid for n in self.fleet.nodes], pids, "a node was restarted")

    def test_rolling_restart_logs_nobody_out(self):
        c = self.signed_in()
        stop = threading.Event()
        statuses = collections.Counter()

        def load():
            mine = Client(self.port, c.cookie)
            while not stop.is_set():
                try:
                    statuses[mine.request("GET", "/api/session")[0]] += 1
                except OSError:
                    statuses[-1] += 1

        t = threading.Thread(target=load)
        t.start()
        for node in self.fleet.nodes:
            self.fleet.kill_node(node.index, sig=15)
            self.fleet.start_node(node.index)
            time.sleep(0.7)  # HAProxy sees it up again (inter 500 ms, rise 1)
        stop.set()
        t.join()
        self.assertEqual(statuses[401], 0, statuses)
        self.assertEqual(c.request("GET", "/api/session")[0], 200)
        STATS["requests"] += sum(statuses.values())


def result_line(result: unittest.TestResult) -> str:
    return (f"{result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped)}"
            f" passed, {len(result.failures) + len(result.errors)} failed, "
            f"{len(result.skipped)} skipped (not applicable to this store)")


def main() -> int:
    global STORE
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True,
                        choices=["redis", "redis-cluster", "postgresql", "mysql", "mongodb"])
    args, rest = parser.parse_known_args()
    STORE = args.store
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    print(f"fleet[{STORE}]: {result_line(program.result)}; requests {STATS['requests']}, "
          f"split {STATS.get('split')}, "
          f"non-200 during kill -9: {STATS.get('kill9_non_200')}, "
          f"longest recovery after the store came back: {STATS.get('recovery_s', 0.0):.3f} s")
    result = program.result
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
