"""Editor HTML is sanitised through one module (SPEC §9)."""
import pytest

from cms.sanitize import clean_html


@pytest.mark.parametrize("dirty", [
    "<p>通知</p><script>alert(1)</script>",
    "<p onclick=\"alert(1)\">通知</p>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">通知</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">通知</a>",
    "<a href=\"&#106;avascript:alert(1)\">通知</a>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<object data=\"x.swf\"></object><embed src=\"x\">",
])
def test_sanitiser_removes_scripts_event_handlers_and_javascript_urls(dirty):
    clean = clean_html(dirty).lower()
    assert "<script" not in clean
    assert "onerror" not in clean and "onclick" not in clean
    assert "javascript:" not in clean
    assert "<iframe" not in clean and "<object" not in clean and "<embed" not in clean


def test_sanitiser_keeps_the_editors_text_and_allowed_markup():
    html = '<h2>一、适用范围</h2><p class="text-center">增值税<strong>专用发票</strong></p><table><tr><td>1</td></tr></table>'
    clean = clean_html(html)
    assert "一、适用范围" in clean and "<strong>专用发票</strong>" in clean
    assert 'class="text-center"' in clean
    assert "<table>" in clean


def test_inline_style_and_unknown_classes_are_dropped_because_the_csp_forbids_inline_style():
    clean = clean_html('<p style="color:red" class="evil-overlay">公告</p>')
    assert clean == "<p>公告</p>"


def test_sanitiser_keeps_text_of_removed_tags():
    assert "请查收" in clean_html("<marquee>请查收</marquee>")
