"""``manage.py gen_bench_data``: a large generated website group for benchmarks (SPEC §11).

Bulk inserts only (no per-row actions or history): sites, one department each, a fixed
column tree per site, and M published articles spread over them with Chinese text built
from the demo phrase lists; the search index is filled in the same pass. Generated data is
never committed: it is made on the machine that measures.
"""
import random
import sys
import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cms import demo_data as D
from cms.models import (
    Article, ArticleKind, ArticleStatus, Column, Department, SearchDocument, Site, SitePolicy, Validity,
)
from cms.search import segment

COLUMNS = (("swyw", "税务要闻", "news", ArticleKind.NEWS), ("tzgg", "通知公告", "notice", ArticleKind.NOTICE),
           ("ssfg", "税收法规", "policy", ArticleKind.POLICY), ("zcjd", "政策解读", "interpretation",
                                                                 ArticleKind.INTERPRETATION),
           ("bsfw", "办事服务", "service", ArticleKind.GUIDE))


class Command(BaseCommand):
    help = ("Generate a benchmark website group: --sites N sites under one national portal and --articles M "
            "published articles spread over their columns, with the search index. Bulk inserts; prints progress.")

    def add_arguments(self, parser):
        parser.add_argument("--sites", type=int, default=10)
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, sites, articles, batch, seed, **options):
        if sites < 1 or articles < 0 or batch < 1:
            raise CommandError("--sites must be ≥ 1, --articles ≥ 0 and --batch ≥ 1.")
        if Site.objects.filter(code__startswith="bench-").exists():
            raise CommandError("Benchmark sites already exist (codes bench-*); use a fresh database.")
        started = time.monotonic()
        rng = random.Random(seed)
        columns = self._structure(sites)
        self.stdout.write(f"gen_bench_data: {sites} sites, {len(columns)} columns; writing {articles} articles")
        topics = D.TOPICS
        base = timezone.make_aware(datetime(2026, 11, 20, 9, 0), D.TZ)
        made = 0
        while made < articles:
            n = min(batch, articles - made)
            rows = []
            for i in range(n):
                column, kind = columns[rng.randrange(len(columns))]
                topic = topics[rng.randrange(len(topics))]
                when = base - timedelta(minutes=rng.randrange(60 * 24 * 900))
                number = made + i + 1
                title = f"{rng.choice(topic.matters)}（第{number}号）" if kind == ArticleKind.POLICY else \
                    f"{rng.choice(topic.news)[:36]}{number}"
                body = "".join(f"<p>{rng.choice(topic.clauses)}</p>" for _ in range(4))
                rows.append(Article(
                    site_id=column.site_id, column=column, kind=kind, title=title[:200], body=body,
                    status=ArticleStatus.PUBLISHED, display_date=when, published_at=when, first_published_at=when,
                    doc_number=f"税务总局公告{when.year}年第{number}号" if kind == ArticleKind.POLICY else "",
                    issuing_organ="国家税务总局" if kind == ArticleKind.POLICY else "",
                    date_written=when.date() if kind == ArticleKind.POLICY else None,
                    validity=Validity.VALID if kind == ArticleKind.POLICY else ""))
            with transaction.atomic():
                created = Article.objects.bulk_create(rows, batch_size=1000)
                self._index(created)
            made += n
            self.stdout.write(f"  {made}/{articles} articles ({made * 100 // max(articles, 1)}%)")
            sys.stdout.flush()
        self.stdout.write(f"gen_bench_data: {sites} sites, {len(columns)} columns, {made} articles "
                          f"in {time.monotonic() - started:.1f}s")

    def _structure(self, sites):
        national = Site.objects.filter(level=Site.Level.NATIONAL).first()
        out = []
        with transaction.atomic():
            if national is None:
                national = self._site("bench-000", "基准测试总局网站", Site.Level.NATIONAL, None, 0)
            for n in range(1, sites + 1):
                site = self._site(f"bench-{n:03d}", f"基准测试第{n}税务局网站", Site.Level.PROVINCIAL, national, n)
                dept = Department.objects.create(site=site, code="bgs", name="办公室", is_general_office=True)
                for order, (slug, name, cls, kind) in enumerate(COLUMNS):
                    column = Column.objects.create(site=site, department=dept, slug=slug, name=name, column_class=cls,
                                                   is_principal=True, order=order,
                                                   layout="policy_library" if cls == "policy" else "list")
                    out.append((column, kind))
        return out

    def _site(self, code, name, level, parent, n):
        site = Site.objects.create(code=code, name=name, level=level, parent=parent, domain=f"{code}.bench.test",
                                   site_id_code=f"bm{90000000 + n:08d}", icp_number=f"京ICP备{n:08d}号",
                                   psb_number=f"京公网安备{n:014d}号", organiser=name)
        SitePolicy.objects.create(site=site)
        return site

    def _index(self, articles):
        docs = [SearchDocument(article_id=a.pk, site_id=a.site_id, column_id=a.column_id, published=a.display_date,
                               published_at=a.published_at,
                               title=a.title, text=a.body.replace("<p>", "").replace("</p>", "\n"),
                               title_tokens=segment(a.title + " " + a.doc_number),
                               body_tokens=segment(a.body.replace("<p>", " ").replace("</p>", " ")))
                for a in articles]
        SearchDocument.objects.bulk_create(docs, batch_size=1000)
        ids = [a.pk for a in articles]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "UPDATE cms_searchdocument SET vector = setweight(to_tsvector('simple', title_tokens), 'A') || "
                    "setweight(to_tsvector('simple', body_tokens), 'B') WHERE article_id = ANY(%s)", [ids])
            elif connection.vendor == "sqlite":
                cursor.executemany("INSERT INTO cms_search_fts(rowid, title_tokens, body_tokens) VALUES (%s, %s, %s)",
                                   [(d.article_id, d.title_tokens, d.body_tokens) for d in docs])
