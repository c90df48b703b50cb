"""Benchmark: time and peak memory of ``manage.py audit``, ``backup`` and ``restore`` on a
generated website group (issue 6 point 9; SPEC §11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxsite_bench_ops \
        .venv/bin/python bench/audit_backup.py --articles 100000 --baseline 10000

For each size (the baseline and the full size) it creates a fresh database
``<name>_<size>``, migrates it, fills it with ``gen_bench_data`` (articles with Chinese text,
plus ``--media`` files of 64 KiB and ``--events`` audit-trail rows on one hash chain), then
runs each command in its own process and reports the wall time and the peak resident memory
of that process (``wait4`` rusage). Memory that does not grow from the baseline to the full
size is the "flat in the number of articles" of SPEC §11. The databases are dropped at the
end unless ``--keep``.
"""
import argparse
import hashlib
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def run(args, env, *, quiet=True):
    """(seconds, peak RSS MiB, stdout) of one command in its own process."""
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors,
                                text=True)
        out = proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(args)} failed:\n{out[-2000:]}\n{errors.read()[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def pg(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    return base, name, psycopg


def create_db(url):
    base, name, psycopg = pg(url)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_db(url):
    base, name, psycopg = pg(url)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill(env, articles, media, events, media_root):
    run(["migrate", "-v", "0"], env)
    t, _m, _o = run(["gen_bench_data", "--sites", "10", "--articles", str(articles)], env)
    print(f"  gen_bench_data {articles}: {t:.1f}s", flush=True)
    root = Path(media_root) / "attachments"
    root.mkdir(parents=True, exist_ok=True)
    for n in range(media):
        (root / f"bench-{n:05d}.pdf").write_bytes(hashlib.sha256(str(n).encode()).digest() * 2048)
    code = f"""
import django; django.setup()
from django.utils import timezone
from security.models import AuditEvent
rows, prev = [], ""
for n in range({events}):
    e = AuditEvent(at=timezone.now(), actor_name="bench", action="article.publish", object_type="cms.Article",
                   object_id=str(n), object_repr="基准测试信息", site_code="bench-001", data={{"n": n}}, prev_hash=prev)
    e.hash = e.compute_hash(); prev = e.hash; rows.append(e)
    if len(rows) == 5000:
        AuditEvent.objects.bulk_create(rows); rows = []
AuditEvent.objects.bulk_create(rows)
"""
    subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True)


def measure(url, articles, args, results):
    media_root = Path(tempfile.mkdtemp(prefix="bench-ops-media-"))
    backups = Path(tempfile.mkdtemp(prefix="bench-ops-backups-"))
    restore_root = Path(tempfile.mkdtemp(prefix="bench-ops-restore-"))
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media_root / "media"), TAXSITE_ROLE="admin",
               DJANGO_SETTINGS_MODULE="taxsite.settings",
               LOG_LEVEL="WARNING")
    create_db(url)
    try:
        print(f"== {articles} articles ({url.rsplit('/', 1)[1]})", flush=True)
        fill(env, articles, args.media, args.events, media_root / "media")
        row = {"articles": articles}
        row["startup"] = run(["check"], env)[:2]  # the floor: interpreter + Django start-up
        for n in range(args.runs):
            t, m, out = run(["audit", "--format", "json", "-v", "0"], env)
            row.setdefault("audit", []).append((t, m))
        summary = json.loads(out)
        row["audit_counts"] = summary["counts"]
        row["audit_checks"] = {c["code"]: c["ms"] for c in summary.get("checks", [])}
        t, m, out = run(["backup", "--dest", str(backups), "-v", "0"], env)
        row["backup"] = (t, m)
        row["backup_line"] = out.strip().splitlines()[-1]
        archive = sorted(backups.glob("taxsite-backup-*.tar"))[-1]
        row["archive_mib"] = archive.stat().st_size / 1048576
        target = f"{url}_restore"
        create_db(target)
        try:
            renv = dict(env, DATABASE_URL=target, MEDIA_ROOT=str(restore_root / "media"))
            t, m, out = run(["restore", str(archive), "-v", "0"], renv)
            row["restore"] = (t, m)
            t, m, out = run(["restore", str(archive), "--verify-only"], renv)
            row["verify"] = (t, m)
        finally:
            drop_db(target)
        results.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        if not args.keep:
            drop_db(url)
        for d in (media_root, backups, restore_root):
            shutil.rmtree(d, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--media", type=int, default=500, help="media files of 64 KiB")
    parser.add_argument("--events", type=int, default=100_000, help="audit-trail rows")
    parser.add_argument("--runs", type=int, default=3, help="audit runs per size (median reported)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL URL (the database is created and dropped)")
    results = []
    for size in (args.baseline, args.articles):
        measure(f"{url}_{size}", size, args, results)
    print()
    print("| articles | start-up (`check`) | audit (median) | audit peak RSS | backup | backup peak RSS | archive | "
          "restore | restore peak RSS | verify-only |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in results:
        audits = sorted(row["audit"])
        t_med = audits[len(audits) // 2][0]
        m_max = max(m for _t, m in row["audit"])
        print(f"| {row['articles']:,} | {row['startup'][0]:.2f} s, {row['startup'][1]:.0f} MiB | {t_med:.2f} s | "
              f"{m_max:.0f} MiB | {row['backup'][0]:.1f} s | "
              f"{row['backup'][1]:.0f} MiB | {row['archive_mib']:.0f} MiB | {row['restore'][0]:.1f} s | "
              f"{row['restore'][1]:.0f} MiB | {row['verify'][0]:.1f} s |")
    slowest = sorted(results[-1]["audit_checks"].items(), key=lambda kv: -kv[1])[:6]
    print("\nslowest checks at full size:", ", ".join(f"{c} {ms} ms" for c, ms in slowest))


if __name__ == "__main__":
    main()
