"""Benchmark: the review queue of a general-office approver with N waiting slips.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxsite_bench \
        .venv/bin/python bench/review_queue.py --slips 10000 --runs 30

Creates (or reuses) the database in DATABASE_URL, migrates it, fills it with N slips in
office review (bulk inserts), then renders /admin/publishing/approvalslip/queue/ through
Django's test client as the office approver and reports the median and p95 wall time and
the query count, beside the same figures for a queue of 10 slips (the baseline).
"""
import argparse
import os
from pathlib import Path
import statistics
import sys
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taxsite.settings")
os.environ.setdefault("TAXSITE_ROLE", "admin")


def ensure_database(url):
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slips", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_database(os.environ.get("DATABASE_URL", ""))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    call_command("migrate", verbosity=0)

    from cms.models import Article, ArticleStatus, Column, Department, Site
    from publishing.models import ApprovalSlip
    from publishing.workflow import SlipState
    from security.actions import assign_role, create_account, ensure_role_groups

    ensure_role_groups()
    site, _ = Site.objects.get_or_create(code="bench", defaults=dict(
        name="基准测试网站", level="national", domain="bench.test", site_id_code="bm00000001",
        icp_number="京ICP备00000001号", psb_number="京公网安备00000000000001号", organiser="基准测试"))
    from cms.models import SitePolicy

    SitePolicy.objects.get_or_create(site=site)
    office, _ = Department.objects.get_or_create(site=site, code="bgt", defaults={"name": "办公厅",
                                                                                  "is_general_office": True})
    column = Column.objects.filter(site=site, slug="bsfw").first() or Column.objects.create(
        site=site, department=office, slug="bsfw", name="办事服务")
    from django.contrib.auth import get_user_model

    User = get_user_model()
    editor = User.objects.filter(username="bench_editor").first() or create_account(
        "bench_editor", "Kq7#mPz!w2Lx", site=site, department=office)
    approver = User.objects.filter(username="bench_approver").first()
    if approver is None:
        approver = create_account("bench_approver", "Rt5@vNq%y8Hd", site=site, department=office)
        assign_role(approver, "office_approver", site)

    def fill(n):
        ApprovalSlip.objects.filter(site=site).delete()
        Article.objects.filter(site=site).delete()
        now = timezone.now()
        articles = Article.objects.bulk_create([
            Article(site=site, column=column, title=f"基准稿件{i}", status=ArticleStatus.IN_REVIEW, review_lock=True,
                    created_by=editor) for i in range(n)], batch_size=2000)
        ApprovalSlip.objects.bulk_create([
            ApprovalSlip(number=f"bench-2026-{i:06d}", site=site, year=2026, sequence=i + 1, article=a,
                         column=column, department=office, title=a.title, payload={"title": a.title},
                         state=SlipState.OFFICE_REVIEW, submitted_by=editor, submitted_at=now,
                         stage_entered_at=now - timezone.timedelta(minutes=n - i))
            for i, a in enumerate(articles)], batch_size=2000)

    client = Client()
    client.force_login(approver)

    def measure(n):
        fill(n)
        url = "/admin/publishing/approvalslip/queue/"
        client.get(url)  # warm up
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200 and b"review-queue" in response.content
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)

    base = measure(10)
    big = measure(args.slips)
    vendor = connection.vendor
    print(f"review queue ({vendor}), office approver, {args.runs} runs each")
    print(f"  {10:>6} waiting slips: median {base[0]:7.1f} ms  p95 {base[1]:7.1f} ms  {base[2]} queries")
    print(f"  {args.slips:>6} waiting slips: median {big[0]:7.1f} ms  p95 {big[1]:7.1f} ms  {big[2]} queries")
    ApprovalSlip.objects.filter(site=site).delete()
    Article.objects.filter(site=site).delete()


if __name__ == "__main__":
    main()
