#!/usr/bin/env python3
"""Accord's performance bench (docs/performance.md): every case measured against a reference
taken in the same round on the same machine, min / median / max over the rounds, and the CPU
each process spent per call (utime + stime from /proc/<pid>/stat).

    bench/run.sh                 # the full run (about 15-25 minutes, most of it loading 1M)
    bench/run.sh --smoke         # every case with tiny counts, a few seconds a case

Only the standard library; processes are started on kernel-picked ports and stopped by PID.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCOPES = "partnerships:read,partnerships:write,reviews:read"


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# processes


def cpu_seconds(pid):
    """utime + stime of every thread of `pid`, in seconds (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def children_of(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


class Server:
    """A long-running process; `pids` are the ones whose CPU counts (nginx: its workers)."""

    def __init__(self, name, argv, log_path, port_file=None, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.port_file = port_file
        self.env = env
        self.proc = None
        self.port = None
        self.start_seconds = None

    def start(self, timeout=120):
        if self.port_file and os.path.exists(self.port_file):
            os.remove(self.port_file)
        began = time.monotonic()
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=out, env=self.env)
        if self.port_file:
            while not (os.path.exists(self.port_file) and open(self.port_file).read().strip()):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; "
                                       f"see {self.log_path}")
                if time.monotonic() - began > timeout:
                    raise RuntimeError(f"{self.name} did not start; see {self.log_path}")
                time.sleep(0.005)
            self.port = int(open(self.port_file).read().strip())
        self.start_seconds = time.monotonic() - began
        return self

    @property
    def pids(self):
        kids = children_of(self.proc.pid) if self.name == "nginx" else []
        return kids or [self.proc.pid]

    def cpu(self):
        return sum(cpu_seconds(p) for p in self.pids)

    def rss(self):
        return sum(rss_mb(p) for p in self.pids)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_measured(argv, servers):
    """Runs a load tool to completion; returns (stdout, {process: cpu seconds}), the tool's
    own CPU under "client" (from its rusage)."""
    before = {s.name: s.cpu() for s in servers}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = {s.name: s.cpu() - before[s.name] for s in servers}
    cpu["client"] = usage.ru_utime + usage.ru_stime
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return out.decode(), cpu


# ---------------------------------------------------------------------------------------
# load tools


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build_dir)
        self.work = os.path.abspath(args.work_dir)
        self.bin = {
            "echo": f"{self.build}/bench/accord-bench-echo",
            "load": f"{self.build}/bench/accord-bench-load",
            "rocksdb": f"{self.build}/bench/accord-bench-rocksdb",
            "bulk": f"{self.build}/bench/accord-bench-bulk-load",
            "registry": f"{self.build}/services/registry/accord-registry",
            "assessment": f"{self.build}/services/assessment/accord-assessment",
            "risk": f"{self.build}/services/risk/accord-risk",
            "review": f"{self.build}/services/review/accord-review",
            "gateway": f"{self.build}/gateway/accord-gateway",
            "admin": f"{self.build}/gateway/accord-admin",
        }
        for name, path in self.bin.items():
            if not os.access(path, os.X_OK):
                sys.exit(f"bench: {path} is missing; build it first (cmake --build build)")
        self.wrk = shutil.which("wrk")
        self.nginx = shutil.which("nginx") or (
            "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
        self.servers = []
        self.results = []  # rows of the final table
        self.notes = []

    # -- process helpers

    def spawn(self, name, argv, port_file=True, env=None):
        run = f"{self.work}/run"
        os.makedirs(run, exist_ok=True)
        pf = f"{run}/{name}.port" if port_file else None
        server = Server(name, argv, f"{run}/{name}.log", pf, env)
        server.start()
        self.servers.append(server)
        return server

    def stop(self, server):
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self):
        for server in list(reversed(self.servers)):
            self.stop(server)

    def service(self, name, data_dir, extra=()):
        return self.spawn(name, [self.bin[name], f"--data_dir={data_dir}", "--grpc_port=0",
                                 f"--port_file={self.work}/run/{name}.port", "--metrics_port=-1",
                                 *extra])

    def load(self, target, servers, call, concurrency, **flags):
        argv = [self.bin["load"], f"--target=127.0.0.1:{target}", f"--call={call}",
                f"--concurrency={concurrency}", f"--duration_s={self.args.duration}",
                f"--warmup_s={self.args.warmup}"]
        for key, value in flags.items():
            if key == "headers":
                argv += [f"--header={h}" for h in value]
            else:
                argv.append(f"--{key}={value}")
        out, cpu = run_measured(argv, servers)
        result = json.loads(out.strip().splitlines()[-1])
        if result["errors"] or result["calls"] == 0:
            raise RuntimeError(f"{call} via :{target}: {result['errors']} errors, "
                               f"{result['calls']} calls; first: {result['first_error']}")
        result["cpu"] = cpu
        return result

    def wrk_run(self, url, servers, concurrency, script):
        threads = max(1, min(2, concurrency))
        # wrk takes whole seconds only.
        seconds = max(1, round(self.args.duration))
        argv = [self.wrk, f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s",
                "--latency", "-s", script, url]
        out, cpu = run_measured(argv, servers)
        qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        errors = re.search(r"Socket errors:.*", out)
        if bad or errors:
            raise RuntimeError(f"wrk {url}: {bad.group(0) if bad else errors.group(0)}")

        def latency(label):
            m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
            value, unit = float(m.group(1)), m.group(2)
            return value * {"us": 1, "ms": 1000, "s": 1e6}[unit]

        return {"qps": qps, "calls": total, "p50_us": latency("50"), "p99_us": latency("99"),
                "cpu": cpu}

    def rocksdb(self, writers):
        path = f"{self.work}/rocksdb-sync"
        out, cpu = run_measured([self.bin["rocksdb"], f"--path={path}", f"--writers={writers}",
                                 f"--duration_s={self.args.duration}",
                                 f"--warmup_s={self.args.warmup}"], [])
        result = json.loads(out.strip().splitlines()[-1])
        result["qps"] = result["wps"]
        result["cpu"] = cpu
        return result

    # -- table

    def record(self, case, what, runs, reference=None, target=None, target_check=None,
               conc=None, latency=False, calls_key="calls"):
        """runs: list of results (one per round); reference: list of results, same rounds."""
        row = {"case": case, "what": what, "conc": conc, "runs": runs, "reference": reference,
               "target": target or ""}
        qps = [r["qps"] for r in runs]
        row["qps"] = (min(qps), statistics.median(qps), max(qps))
        row["p50_us"] = statistics.median(r["p50_us"] for r in runs)
        row["p99_us"] = statistics.median(r["p99_us"] for r in runs)
        row["p99_us_max"] = max(r["p99_us"] for r in runs)
        if reference:
            ratios = [r["qps"] / ref["qps"] for r, ref in zip(runs, reference)]
            row["ratio"] = (min(ratios), statistics.median(ratios), max(ratios))
            row["ref_qps"] = statistics.median(ref["qps"] for ref in reference)
        cpu = {}
        for r in runs:
            calls = r.get(calls_key) or r.get("calls") or r.get("writes") or 1
            for proc, seconds in r.get("cpu", {}).items():
                cpu.setdefault(proc, []).append(seconds / max(1, calls) * 1e6)
        row["cpu_us"] = {p: statistics.median(v) for p, v in cpu.items()}
        row["met"] = target_check(row) if target_check else None
        self.results.append(row)
        self.print_row(row)
        return row

    @staticmethod
    def fmt_row(row):
        lo, med, hi = row["qps"]
        ratio = ""
        if "ratio" in row:
            rlo, rmed, rhi = row["ratio"]
            ratio = f"{rmed:6.0%} ({rlo:.0%}-{rhi:.0%}) of {row['ref_qps']:.0f}"
        cpu = " ".join(f"{p}={v:.0f}" for p, v in sorted(row["cpu_us"].items()) if v > 0.5)
        met = {True: "met", False: "MISSED", None: ""}[row["met"]]
        conc = "" if row["conc"] is None else str(row["conc"])
        return (f"| {row['case']} | {row['what']} | {conc} | {med:.0f} ({lo:.0f}-{hi:.0f}) | "
                f"{row['p50_us'] / 1000:.2f} | {row['p99_us'] / 1000:.2f} | {ratio} | "
                f"{row['target']} | {met} | {cpu} |")

    def print_row(self, row):
        print(self.fmt_row(row), flush=True)

    # -- cases 1-4: the RPC path and the write path

    def start_front(self):
        """echo, nginx → echo, a loaded register and the gateway with an API key."""
        a = self.args
        echo = self.spawn("echo", [self.bin["echo"], f"--port_file={self.work}/run/echo.port"])
        nginx = self.start_nginx(echo.port)
        data = f"{self.work}/front"
        if not os.path.exists(f"{data}/registry"):
            self.bulk("registry", f"{data}/registry", 0, a.front_records)
        registry = self.service("registry", f"{data}/registry")
        address = f"127.0.0.1:{registry.port}"
        run = f"{self.work}/run"
        gateway = self.spawn("gateway", [
            self.bin["gateway"], "--http_port=0", "--grpc_port=0", f"--data_dir={data}/gateway",
            f"--admin_address=unix:{run}/admin.sock", f"--registry_address={address}",
            f"--assessment_address={address}", f"--risk_address={address}",
            "--rate_limit_per_second=0", f"--http_port_file={run}/gateway-http.port",
            f"--grpc_port_file={run}/gateway.port"])
        gateway.http_port = int(open(f"{run}/gateway-http.port").read())
        key = subprocess.run([self.bin["admin"], f"--admin_address=unix:{run}/admin.sock", "keys",
                              "create", "--client", "bench", "--scopes", SCOPES],
                             check=True, capture_output=True, text=True).stdout.strip()
        self.key = key.splitlines()[-1]
        return echo, nginx, registry, gateway

    def start_nginx(self, echo_port):
        if not self.nginx:
            self.notes.append("nginx is not installed: the grpc_pass reference was skipped")
            return None
        conf_dir = f"{self.work}/nginx"
        os.makedirs(f"{conf_dir}/tmp", exist_ok=True)
        for attempt in range(5):
            port = free_port()
            conf = f"""
worker_processes auto;
pid {conf_dir}/nginx.pid;
daemon off;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {conf_dir}/tmp/body;
  proxy_temp_path {conf_dir}/tmp/proxy;
  upstream echo {{ server 127.0.0.1:{echo_port}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port} http2;
    location / {{ grpc_pass grpc://echo; }}
  }}
}}
"""
            with open(f"{conf_dir}/nginx.conf", "w") as f:
                f.write(conf)
            server = Server("nginx", [self.nginx, "-p", conf_dir, "-c", f"{conf_dir}/nginx.conf",
                                      "-e", f"{conf_dir}/error.log"],
                            f"{self.work}/run/nginx.log")
            server.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and server.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    server.port = port
                    self.servers.append(server)
                    return server
                except OSError:
                    time.sleep(0.05)
            server.stop()
            log(f"nginx did not listen on {port} (attempt {attempt + 1}); see {conf_dir}/error.log")
        raise RuntimeError("nginx would not start")

    def write_wrk_scripts(self):
        get = f"{self.work}/get.lua"
        with open(get, "w") as f:
            f.write(f'wrk.headers["Authorization"] = "Bearer {self.key}"\n')
        create = f"{self.work}/create.lua"
        with open(create, "w") as f:
            f.write(f"""
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
local n = 0
local body = '{{"displayName":"Benchmark partnership","leadService":"Leisure",' ..
             '"remit":"Joint delivery of a council service with partners"}}'
function request()
  n = n + 1
  local id = string.format("%s-t%d-%d", prefix, tid, n)
  return wrk.format("POST", "/v1/partnerships?partnershipId=" .. id,
    {{["Authorization"] = "Bearer {self.key}", ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = "req-" .. id}}, body)
end
""")
        return get, create

    def cases_rpc(self):
        a = self.args
        echo, nginx, registry, gateway = self.start_front()
        get_lua, create_lua = self.write_wrk_scripts()
        auth = [f"authorization=Bearer {self.key}"]
        name = "partnerships/p0000001"
        procs = {"echo": [echo], "registry": [registry], "gateway": [gateway, registry],
                 "nginx": [nginx, echo] if nginx else []}
        series = {}

        def add(key, result):
            series.setdefault(key, []).append(result)

        for round_ in range(a.runs):
            log(f"round {round_ + 1}/{a.runs}: Get at concurrency {a.concurrency}")
            for c in a.concurrency:
                add(("echo", c), self.load(echo.port, procs["echo"], "echo", c,
                                           payload_bytes=a.payload_bytes))
                add(("direct", c), self.load(registry.port, procs["registry"], "get", c,
                                             name=name))
                add(("gateway", c), self.load(gateway.port, procs["gateway"], "get", c,
                                              name=name, headers=auth))
                if nginx:
                    add(("nginx", c), self.load(nginx.port, procs["nginx"], "echo", c,
                                                payload_bytes=a.payload_bytes))
                if self.wrk:
                    add(("rest", c), self.wrk_run(
                        f"http://127.0.0.1:{gateway.http_port}/v1/{name}", procs["gateway"], c,
                        get_lua))
            log(f"round {round_ + 1}/{a.runs}: durable creates")
            add(("rocksdb", 1), self.rocksdb(1))
            add(("rocksdb", 16), self.rocksdb(16))
            add(("create", 16), self.load(registry.port, procs["registry"], "create", 16,
                                          id_prefix=f"r{round_}"))
            if self.wrk:
                with open(create_lua) as f:
                    script = f.read()
                with open(create_lua + ".run", "w") as f:
                    f.write(f'prefix = "w{round_}"\n' + script)
                add(("rest-create", 16), self.wrk_run(
                    f"http://127.0.0.1:{gateway.http_port}", procs["gateway"], 16,
                    create_lua + ".run"))

        print("\n### Cases 1-4: one partnership by gRPC and REST; durable creates\n")
        self.table_header()
        for c in a.concurrency:
            self.record("ref", "gRPC echo (RPC limit)", series[("echo", c)], conc=c)
        for c in a.concurrency:
            self.record(1, "Get, gRPC direct to registry", series[("direct", c)],
                        series[("echo", c)], conc=c, target="≥70% echo @16" if c == 16 else "",
                        target_check=(lambda r: r["ratio"][1] >= 0.70) if c == 16 else None)
        for c in a.concurrency:
            self.record(2, "Get, gRPC via gateway pass-through", series[("gateway", c)],
                        series[("echo", c)], conc=c, target="≥45% echo @16" if c == 16 else "",
                        target_check=(lambda r: r["ratio"][1] >= 0.45) if c == 16 else None)
        if nginx:
            for c in a.concurrency:
                self.record("ref", "echo via nginx grpc_pass", series[("nginx", c)],
                            series[("echo", c)], conc=c)
        if self.wrk:
            for c in a.concurrency:
                self.record(3, "Get, REST via gateway (API key), wrk", series[("rest", c)],
                            series[("echo", c)], conc=c,
                            target="≥50% echo @16, p99≤5ms" if c == 16 else "",
                            target_check=(lambda r: r["ratio"][1] >= 0.50 and
                                          r["p99_us"] <= 5000) if c == 16 else None)
        self.record("ref", "RocksDB sync writes, 1 writer", series[("rocksdb", 1)], conc=1,
                    calls_key="writes")
        self.record("ref", "RocksDB sync writes, 16 writers", series[("rocksdb", 16)], conc=16,
                    calls_key="writes")
        self.record(4, "Create (synced), gRPC direct", series[("create", 16)],
                    series[("rocksdb", 16)], conc=16, target="≥60% RocksDB@16",
                    target_check=lambda r: r["ratio"][1] >= 0.60)
        if self.wrk:
            self.record(4, "Create (synced), REST via gateway", series[("rest-create", 16)],
                        series[("rocksdb", 16)], conc=16, target="(reported)")
        self.rss_front = {s.name: s.rss() for s in (registry, gateway, echo)}
        self.stop_all()

    def table_header(self):
        print("| case | what | conc | calls/s median (min-max) | p50 ms | p99 ms | "
              "ratio to reference, median (min-max) | target | | CPU µs per call |")
        print("|---|---|---|---|---|---|---|---|---|---|")

    # -- cases 5 and 6: data growth, cold start, memory

    def bulk(self, service, data_dir, start, count, registry_cursor=0):
        argv = [self.bin["bulk"], f"--service={service}", f"--data_dir={data_dir}",
                f"--from={start}", f"--count={count}"]
        if service == "review":
            argv += [f"--protocol_file={ROOT}/protocols/chorley.textproto",
                     f"--registry_cursor={registry_cursor}"]
        began = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"bulk load of {service}: {done.stderr[-2000:]}")
        log(f"loaded {count} {service} records in {time.monotonic() - began:.1f} s")

    def cases_data(self):
        a = self.args
        data = f"{self.work}/data"
        loaded = 0
        series = {}
        starts = {}
        rss = {}
        for scale in a.scales:
            log(f"loading to {scale} records")
            self.bulk("registry", f"{data}/registry", loaded, scale - loaded)
            self.bulk("review", f"{data}/review", loaded, scale - loaded, registry_cursor=scale)
            loaded = scale
            registry = self.service("registry", f"{data}/registry")
            assessment = self.service("assessment", f"{data}/assessment", [
                f"--registry_address=127.0.0.1:{registry.port}",
                f"--protocols_dir={ROOT}/protocols"])
            review = self.service("review", f"{data}/review", [
                f"--registry_address=127.0.0.1:{registry.port}",
                f"--assessment_address=127.0.0.1:{assessment.port}"])
            # The first start after a load replays whatever the loader left in the WAL.
            first_start = {"registry": registry.start_seconds, "review": review.start_seconds,
                           "assessment": assessment.start_seconds}
            time.sleep(min(2.0, a.duration))  # let the followers catch up
            for round_ in range(a.runs):
                series.setdefault(("list", scale), []).append(self.load(
                    registry.port, [registry], "list", 1,
                    filter='lead_service = "Housing" AND tier = MAJOR', page_size=50))
                series.setdefault(("due", scale), []).append(self.load(
                    review.port, [review], "due", 1, as_of_date="2026-06-01", page_size=50))
            if scale == a.rss_scale:
                rss = {"registry": registry.rss(), "review": review.rss(),
                       "assessment": assessment.rss()}
            self.stop_all()

        print(f"\n### Case 5: lists as the data grows (concurrency 1, page of 50)\n")
        self.table_header()
        base = a.scales[0]
        for kind, what in (("list", "ListPartnerships lead_service+tier filter"),
                           ("due", "ListDueItems overdue as of 2026-06-01")):
            for scale in a.scales:
                last = scale == a.scales[-1]
                check = None
                target = ""
                if last:
                    base_p99 = statistics.median(r["p99_us"] for r in series[(kind, base)])
                    target = f"p99≤10ms, ≤2x {base:,}"
                    check = (lambda r, b=base_p99: r["p99_us"] <= 10000 and
                             r["p99_us"] <= 2 * max(b, 1))
                self.record(5, f"{what}, {scale:,} records", series[(kind, scale)],
                            target=target, target_check=check)

        # Case 6: start with the largest store, several times; resident memory.
        print(f"\n### Case 6: start time with {a.scales[-1]:,} records; memory at "
              f"{a.rss_scale:,}\n")
        print("| service | records | first start after the load, s | restart s median (min-max) "
              "| target | | RSS MB | target | |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name in ("registry", "review", "assessment", "risk"):
            times = []
            for _ in range(a.runs):
                registry = None
                extra = []
                if name in ("assessment", "risk", "review"):
                    registry = self.service("registry", f"{data}/registry")
                    extra.append(f"--registry_address=127.0.0.1:{registry.port}")
                if name == "assessment":
                    extra.append(f"--protocols_dir={ROOT}/protocols")
                if name in ("risk", "review"):
                    extra.append(f"--assessment_address=127.0.0.1:{registry.port}")
                server = self.service(name, f"{data}/{name}", extra)
                times.append(server.start_seconds)
                self.stop_all()
            records = f"{a.scales[-1]:,}" if name in ("registry", "review") else "0 (empty)"
            med = statistics.median(times)
            mem = rss.get(name)
            mem_txt = f"{mem:.0f}" if mem else ""
            mem_ok = "" if not mem else ("met" if mem <= 100 else "MISSED")
            first = first_start.get(name)
            ok = "met" if max([med] + ([first] if first else [])) <= 1.0 else "MISSED"
            first_txt = f"{first:.2f}" if first else ""
            print(f"| {name} | {records} | {first_txt} | {med:.2f} ({min(times):.2f}-"
                  f"{max(times):.2f}) | ≤1 s | {ok} | {mem_txt} | ≤100 MB @{a.rss_scale:,} | "
                  f"{mem_ok} |", flush=True)
            self.results.append({"case": 6, "service": name, "start_s": times,
                                 "first_start_s": first, "rss_mb": mem})
        for name, mem in getattr(self, "rss_front", {}).items():
            print(f"| {name} (cases 1-4, {a.front_records:,} records) | | | | | | {mem:.0f} | | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny counts and short runs: checks that every case runs")
    parser.add_argument("--build_dir", default=f"{ROOT}/build")
    parser.add_argument("--work_dir", default=None,
                        help="stores, logs and port files (default: a fresh folder in /tmp)")
    parser.add_argument("--runs", type=int, default=None, help="rounds per case (default 3)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=None)
    parser.add_argument("--scales", default=None, help="records for case 5, comma separated")
    parser.add_argument("--only", default="rpc,data", help="rpc (cases 1-4), data (5-6)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    smoke = args.smoke
    args.runs = args.runs or (1 if smoke else 3)
    args.duration = args.duration or (0.3 if smoke else 3.0)
    args.warmup = args.warmup if args.warmup is not None else (0.1 if smoke else 0.5)
    args.scales = [int(s) for s in (args.scales or ("500,1000,2000" if smoke else
                                                    "10000,100000,1000000")).split(",")]
    args.rss_scale = args.scales[1] if len(args.scales) > 1 else args.scales[0]
    args.front_records = 200 if smoke else 1000
    args.concurrency = [1, 16, 64]
    args.payload_bytes = 200
    fresh = args.work_dir is None
    if fresh:
        args.work_dir = f"/tmp/accord-bench-{os.getpid()}"
    elif os.path.exists(args.work_dir):
        shutil.rmtree(args.work_dir)
    os.makedirs(args.work_dir, exist_ok=True)

    bench = Bench(args)
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                      if l.startswith("model name")), platform.processor())
    print(f"## Accord bench {'(smoke) ' if smoke else ''}"
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC\n")
    print(f"Machine: {os.cpu_count()} CPUs, {cpu_model}, {platform.platform()}; load average "
          f"at start {os.getloadavg()[0]:.2f}. Rounds: {args.runs}, {args.duration} s each "
          f"after {args.warmup} s warm-up. Work folder: {args.work_dir}")
    if not bench.wrk:
        bench.notes.append("wrk is not installed: the REST cases were skipped")
    code = 0
    try:
        if "rpc" in args.only:
            bench.cases_rpc()
        if "data" in args.only:
            bench.cases_data()
    except Exception as e:  # noqa: BLE001 - report, stop everything, fail
        log(f"failed: {e}")
        code = 1
    finally:
        bench.stop_all()
    print(f"\nLoad average at end {os.getloadavg()[0]:.2f}.")
    for note in bench.notes:
        print(f"Note: {note}")
    with open(f"{args.work_dir}/results.json", "w") as f:
        json.dump(bench.results, f, indent=1, default=str)
    if fresh and not args.keep and code == 0:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
