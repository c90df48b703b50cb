"""Public interaction pages (public host): the five forms, the sender's status look-up, the
published Q&A with similar-answer suggestions, and the monthly statistics.

Every view is marked like ``cms.views.portal_view`` so that ``cms.middleware.SiteMiddleware``
sets ``request.site``; the forms also accept POST. Visitor input is never rendered unescaped.
"""
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.exceptions import ActionRefused
from security.audit import client_of

from . import actions, antispam, search, selectors
from .forms import LookupForm, MessageForm
from .models import CONFIDENTIAL_KINDS, KIND_SLUGS, PUBLISHABLE_KINDS, SLUG_OF_KIND, MessageKind

PAGE_SIZE = 20
SUGGEST_LIMIT = 5


def interaction_view(methods=("GET", "HEAD")):
    """Mark a view as a portal view (``request.site`` is set) and restrict its methods."""
    def decorator(func):
        func.portal_view = True
        wrapped = require_http_methods(list(methods))(func)
        wrapped.portal_view = True
        return wrapped
    return decorator


def hudong_url(request, name, *args):
    """Reverse an interaction URL in the addressing mode of the request (host or /site/<code>/)."""
    if getattr(request, "site_by_path", False):
        return reverse(f"interaction_site:{name}", args=[request.site.code, *args])
    return reverse(f"interaction:{name}", args=args)


def _address(request):
    return client_of(request)[0] or "unknown"


def _context(request, **extra):
    return {"site": request.site, **extra}


def _refusal(request, title, text, status):
    return render(request, "interaction/refused.html", _context(request, title=title, text=text), status=status)


def _too_many(request):
    return _refusal(request, pgettext("interaction", "Too many submissions"), pgettext(
        "interaction", "You have sent several messages from this address in the last few minutes. Your messages "
                       "already sent are safe. Please wait ten minutes before sending another one."), 429)


def _too_big(request):
    return _refusal(request, pgettext("interaction", "The submission is too large"), pgettext(
        "interaction", "The form data is larger than this site accepts. Please shorten the message (at most 5,000 "
                       "characters) and send attachments of at most 5 MB."), 413)


FORM_INTRO = {
    MessageKind.MAILBOX: pgettext_lazy(
        "interaction", "Write to the director of the bureau: opinions, suggestions and complaints."),
    MessageKind.CONSULTATION: pgettext_lazy(
        "interaction", "Ask a question about taxes and fees. Similar questions already answered are shown as you "
                       "type."),
    MessageKind.ERROR_REPORT: pgettext_lazy(
        "interaction", "Tell us about a mistake on this website: wrong content, a broken link, a page that does not "
                       "work."),
    MessageKind.TAX_TIP: pgettext_lazy(
        "interaction", "Report a tax violation. Your report is seen only by the inspection bureau, is never "
                       "published, and you may stay anonymous."),
    MessageKind.MISCONDUCT: pgettext_lazy(
        "interaction", "Report misconduct of tax officials. Your report is seen only by the discipline office, is "
                       "never published, and you may stay anonymous."),
}


def _kinds(request):
    return [{"kind": kind, "label": kind.label, "intro": FORM_INTRO[kind],
             "url": hudong_url(request, "write", SLUG_OF_KIND[kind])} for kind in MessageKind]


@interaction_view()
def index(request):
    return render(request, "interaction/index.html", _context(
        request, kinds=_kinds(request), latest=selectors.published_answers(request.site)[:10]))


@never_cache
@interaction_view(("GET", "HEAD", "POST"))
def write(request, kind_slug):
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404("no such form")
    site = request.site
    page = {"kind": kind, "kind_label": kind.label, "intro": FORM_INTRO[kind],
            "confidential": kind in CONFIDENTIAL_KINDS, "suggests": kind in PUBLISHABLE_KINDS,
            "action_url": hudong_url(request, "write", kind_slug),
            "suggest_url": hudong_url(request, "suggest"), "lookup_url": hudong_url(request, "lookup")}
    if request.method != "POST":
        initial = {}
        if kind == MessageKind.ERROR_REPORT and request.GET.get("page"):
            initial["page_url"] = request.GET["page"][:500]
        form = MessageForm(site=site, kind=kind, initial=initial)
        return render(request, "interaction/write.html", _context(request, form=form, **page))

    address = _address(request)
    if not antispam.hit(antispam.ATTEMPTS, address):
        return _too_many(request)
    try:
        data, files = request.POST, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent):
        return _too_big(request)
    if "find_similar" in data:
        # Without JavaScript: show similar published answers, submit nothing. The form comes back
        # as typed (unbound, so without error messages); its start token is kept.
        text = f"{data.get('subject', '')} {data.get('body', '')}"[:1000]
        keep = {name: data.get(name) for name in MessageForm.base_fields if name in data and name != "attachment"}
        return render(request, "interaction/write.html", _context(
            request, form=MessageForm(site=site, kind=kind, initial=keep),
            suggestions=search.suggest(site, text, SUGGEST_LIMIT), searched=True, **page))
    form = MessageForm(data, files, site=site, kind=kind)
    if not form.is_valid():
        if form.has_error("__all__", "too_fast") or form.has_error("__all__", "expired"):
            form.refresh_token()
        return render(request, "interaction/write.html", _context(request, form=form, **page), status=400)
    if antispam.exhausted(antispam.SUBMISSIONS, address, kind):
        return _too_many(request)
    token = form.cleaned_data["started"]
    if not antispam.claim_token(token):
        return render(request, "interaction/already_sent.html", _context(
            request, tracking_number=antispam.tracking_number_for(token), **page), status=409)
    c = form.cleaned_data
    try:
        message, code = actions.submit_message(
            site=site, kind=kind, topic=c.get("topic"), subject=c["subject"], body=c["body"],
            page_url=c.get("page_url") or "", accused=c.get("accused") or "", sender_name=c["sender_name"],
            sender_phone=c["sender_phone"], sender_email=c["sender_email"],
            publish_consent=bool(c.get("publish_consent")),
            attachments=[form.checked_upload] if form.checked_upload else [],
            client_ip=client_of(request)[0], request=request)
    except ActionRefused as exc:
        antispam.release_token(token)
        form.add_error(None, exc.message)
        return render(request, "interaction/write.html", _context(request, form=form, **page), status=400)
    except BaseException:
        antispam.release_token(token)
        raise
    # Only now — the message is committed — does the visitor see its number.
    antispam.hit(antispam.SUBMISSIONS, address, kind)
    antispam.complete_token(token, message.tracking_number)
    return render(request, "interaction/accepted.html", _context(request, message=message, code=code, **page))


@never_cache
@interaction_view(("GET", "HEAD", "POST"))
def lookup(request):
    address = _address(request)
    context = _context(request, action_url=hudong_url(request, "lookup"))
    if request.method != "POST":
        form = LookupForm(initial={"tracking_number": request.GET.get("n", "")[:60]})
        return render(request, "interaction/lookup.html", {**context, "form": form})
    if antispam.exhausted(antispam.LOOKUP_FAILURES, address):
        return _refusal(request, pgettext("interaction", "Too many unsuccessful look-ups"), pgettext(
            "interaction", "Please check your tracking number and query code and try again in ten minutes."), 429)
    form = LookupForm(request.POST)
    message = None
    if form.is_valid():
        message = selectors.find_message_for_sender(form.cleaned_data["tracking_number"],
                                                    form.cleaned_data["code"])
    if message is None:
        antispam.hit(antispam.LOOKUP_FAILURES, address)
        # One answer for every failure: it does not tell whether the number exists.
        form = LookupForm(initial={"tracking_number": request.POST.get("tracking_number", "")[:60]})
        return render(request, "interaction/lookup.html", {
            **context, "form": form,
            "refused": pgettext("interaction", "No message matches this tracking number and query code. Please "
                                               "check both and try again."),
        }, status=404)
    return render(request, "interaction/lookup_result.html", {**context, "message": message})


@interaction_view()
def answers(request):
    site = request.site
    query = request.GET.get("q", "").strip()[:200]
    if query:
        results = search.suggest(site, query, limit=PAGE_SIZE)
        return render(request, "interaction/answers.html", _context(request, query=query, results=results))
    raw_page = request.GET.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise Http404("bad page")
    paginator = Paginator(selectors.published_answers(site), PAGE_SIZE)
    try:
        page = paginator.page(int(raw_page))
    except (EmptyPage, InvalidPage):
        raise Http404("no such page")
    return render(request, "interaction/answers.html", _context(request, page=page, results=page.object_list))


@interaction_view()
def answer_detail(request, pk):
    published = selectors.published_answer(request.site, pk)
    if published is None:
        raise Http404("no such answer")
    return render(request, "interaction/answer_detail.html", _context(request, qa=published))


@interaction_view()
def suggest(request):
    """JSON for the as-you-type suggestions (``static/interaction/suggest.js``)."""
    if not antispam.hit(antispam.SUGGESTIONS, _address(request)):
        return JsonResponse({"results": [], "error": "rate"}, status=429)
    text = request.GET.get("q", "")[:1000]
    results = [{"title": a.title, "url": hudong_url(request, "answer", a.pk),
                "answered_on": a.answered_on.isoformat(), "department": a.department_name}
               for a in search.suggest(request.site, text, SUGGEST_LIMIT)]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "public, max-age=300"
    return response


@interaction_view()
def statistics(request):
    this_year = timezone.localdate().year
    raw = request.GET.get("year", str(this_year))
    if not raw.isdigit() or not (2000 <= int(raw) <= this_year):
        raise Http404("bad year")
    year = int(raw)
    table = selectors.monthly_statistics(request.site, year)
    return render(request, "interaction/statistics.html", _context(
        request, stats=table, years=list(range(this_year, max(this_year - 5, 1999), -1))))
