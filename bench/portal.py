"""Benchmark the public portal under gunicorn with wrk (SPEC §11, issue 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxsite_portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/portal.py --duration 10

Needs a database filled by ``manage.py gen_bench_data`` and Debian's ``wrk``. Starts two
gunicorn servers of the public role on 127.0.0.1 — page cache on and off — measures each
page type with wrk (req/s) and the servers' CPU time per request (user + system of the
master and workers from /proc, divided by requests served), beside a hello-world view that
returns the same bytes in the same server in the same run. Also reports query counts (in
process) and the median of a set of searches. Prints a Markdown table.
"""
import argparse
import os
from pathlib import Path
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except FileNotFoundError:
            pass
    return total / CLK


def wrk(url, duration, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, requests, int(non2xx.group(1)) if non2xx else 0


class Server:
    def __init__(self, port, env):
        self.port, self.env, self.proc = port, env, None

    def __enter__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "taxsite.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", "2",
             "--log-level", "warning"], cwd=ROOT, env=self.env)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taxsite.settings")
    os.environ["TAXSITE_ROLE"] = "public"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from cms import search as site_search
    from cms.models import Article, ArticleStatus, Column, Site

    settings.ALLOWED_HOSTS = ["*"]
    site = Site.objects.filter(code="bench-001").first()
    if site is None:
        sys.exit("no benchmark data: run manage.py gen_bench_data first")
    column = Column.objects.get(site=site, slug="swyw")
    article = Article.objects.filter(site=site, status=ArticleStatus.PUBLISHED).order_by("-id").first()
    count = Article.objects.filter(column=column).count()
    deep = min(400, max(1, count // 20))
    prefix = f"/site/{site.code}"
    pages = {"article": f"{prefix}/articles/{article.pk}.html", "list page 1": f"{prefix}/columns/swyw/",
             f"list page {deep}": f"{prefix}/columns/swyw/?page={deep}", "home": f"{prefix}/",
             "search": f"{prefix}/search/?q=%E5%8F%91%E7%A5%A8"}

    # Query counts, in process, page cache off.
    settings.TAXSITE_PAGE_CACHE = False
    client = Client()
    queries = {}
    for name, url in pages.items():
        captured = []
        with connection.execute_wrapper(lambda ex, sql, p, m, c: captured.append(sql) or ex(sql, p, m, c)):
            status = client.get(url).status_code
        queries[name] = (len(captured), status)

    # Search median, in process.
    words = ["发票", "个人所得税", "出口退税", "小微企业", "电子税务局", "汇算清缴", "研发费用", "增值税专用发票"]
    times = []
    for _ in range(5):
        for w in words:
            t = time.perf_counter()
            site_search.search(site, w)
            times.append((time.perf_counter() - t) * 1000)
    search_median = statistics.median(times)
    connection.close()

    hello_file = Path(tempfile.mkstemp(suffix=".html")[1])
    hello_file.write_bytes(client.get(pages["article"]).content)
    base_env = dict(os.environ, TAXSITE_ROLE="public", DEBUG="false", SECRET_KEY="bench-" + "k" * 60,
                    ALLOWED_HOSTS="*", TAXSITE_BENCH_HELLO=str(hello_file), SECURE_COOKIES="false")
    results = []
    for label, cache_on, port in (("cached", "true", 18081), ("uncached", "false", 18082)):
        with Server(port, dict(base_env, TAXSITE_PAGE_CACHE=cache_on)) as server:
            targets = [("hello world (same bytes)", "/__bench/hello/")] + list(pages.items())
            for name, url in targets:
                full = f"http://127.0.0.1:{port}{url}"
                urllib.request.urlopen(full).read()  # warm (fills the page cache when on)
                before = cpu_seconds(server.proc.pid)
                rps, n, bad = wrk(full, args.duration, args.connections)
                cpu_ms = (cpu_seconds(server.proc.pid) - before) * 1000 / max(n, 1)
                results.append((label, name, rps, cpu_ms, bad))
    hello_file.unlink()

    print(f"\n{Article.objects.count()} articles, {Site.objects.count()} sites, {connection.vendor}; "
          f"wrk -t2 -c{args.connections} -d{args.duration}s; gunicorn -w 2 (sync)\n")
    print("| server | page | req/s | server CPU ms/request | vs hello world | non-2xx |")
    print("|---|---|---|---|---|---|")
    hello = {label: rps for label, name, rps, _c, _b in results if name.startswith("hello")}
    for label, name, rps, cpu_ms, bad in results:
        print(f"| {label} | {name} | {rps:,.0f} | {cpu_ms:.2f} | {rps / hello[label] * 100:.0f} % | {bad} |")
    print("\n| page (uncached) | queries | status |\n|---|---|---|")
    for name, (n, status) in queries.items():
        print(f"| {name} | {n} | {status} |")
    print(f"\nsearch median over {len(times)} queries: {search_median:.1f} ms")


if __name__ == "__main__":
    main()
