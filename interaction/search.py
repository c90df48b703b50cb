"""Chinese segmentation and "similar published answers" (001 §二(三)4: 在网民提出类似咨询时，
推送可供参考的答复口径).

Small on purpose so that it can later hand over to the portal's search module: ``tokens`` /
``index_text`` segment text with rjieba (the portal's segmenter, ``cms.search``), ``suggest(site, text, limit)`` returns published answers.
Matching is portable SQL (``search_tokens`` holds " tok1 tok2 … " and each query token is an
``icontains`` on " tok ", OR-ed), over a bounded candidate set that is ranked in Python.
"""
import re

import rjieba

STOPWORDS = frozenset(
    "请问 你好 您好 谢谢 感谢 咨询 问题 一下 如何 怎么 怎样 什么 为什么 是否 可以 能否 能不能 需要 应该 "
    "我们 你们 他们 我司 本人 自己 这个 那个 这样 那样 哪些 没有 还是 或者 以及 并且 但是 因为 所以 如果 "
    "请教 麻烦 关于 有关 相关 情况 时候 现在 已经 进行 办理 the and for with".split()
)
MAX_QUERY_TOKENS = 12
CANDIDATES = 200
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


def tokens(text):
    """Distinct search tokens of ``text``, in order of first appearance: jieba's search-mode
    words (rjieba, as the portal's search) of two or more characters (single characters match too much), minus stop words."""
    if not text:
        return []
    seen, out = set(), []
    for word in rjieba.cut_for_search(text[:5000]):
        word = word.strip().lower()
        if len(word) < 2 or not _WORD.search(word) or word in STOPWORDS or word in seen:
            continue
        seen.add(word)
        out.append(word)
    return out


def index_text(*texts):
    """The value stored in ``PublishedAnswer.search_tokens``."""
    words = []
    seen = set()
    for text in texts:
        for word in tokens(text):
            if word not in seen:
                seen.add(word)
                words.append(word)
    return f" {' '.join(words)} " if words else ""


def suggest(site, text, limit=5):
    """Up to ``limit`` public answers of ``site`` most similar to ``text``, best first.

    Score: the summed length of the query tokens an answer contains (longer words are rarer and
    say more), counted double when the token is in the title; ties go to the newer answer.
    """
    from django.db.models import Q

    from .models import PublishedAnswer

    query = sorted(tokens(text), key=len, reverse=True)[:MAX_QUERY_TOKENS]
    if not query:
        return []
    condition = Q()
    for word in query:
        condition |= Q(search_tokens__icontains=f" {word} ")
    candidates = list(
        PublishedAnswer.objects.filter(site=site, is_public=True).filter(condition)
        .only("id", "title", "search_tokens", "answered_on", "department_name", "published_at", "site_id")
        .order_by("-published_at", "-id")[:CANDIDATES]
    )
    scored = []
    for rank, answer in enumerate(candidates):
        title = answer.title.lower()
        score = 0
        for word in query:
            if f" {word} " in answer.search_tokens:
                score += len(word) * (2 if word in title else 1)
        if score:
            scored.append((-score, rank, answer))
    scored.sort(key=lambda item: item[:2])
    return [answer for _score, _rank, answer in scored[:limit]]
