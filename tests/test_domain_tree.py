"""Tree and ownership rules of the site group (SPEC §1, issue 2)."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cms.models import Column, ColumnAncestor, Site
from cms.validators import validate_site_id_code

from .factories import make_column, make_department, make_site

pytestmark = pytest.mark.django_db


def test_only_the_national_portal_is_a_root_site():
    national = make_site("n")
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(code="orphan", name="x", level=Site.Level.PROVINCIAL, domain="o.test",
                            site_id_code="bm99999999", icp_number="x", psb_number="y", organiser="z")
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(code="second", name="x", level=Site.Level.NATIONAL, parent=national, domain="s.test",
                            site_id_code="bm99999998", icp_number="x", psb_number="y", organiser="z")


def test_a_municipal_site_hangs_under_a_provincial_site_not_the_national_portal():
    national = make_site("n")
    municipal = Site(code="m", name="m", level=Site.Level.MUNICIPAL, parent=national, domain="m.test",
                     site_id_code="bm12345678", icp_number="x", psb_number="y", organiser="z")
    with pytest.raises(ValidationError) as err:
        municipal.full_clean()
    assert "parent" in err.value.message_dict


@pytest.mark.parametrize("code,ok", [("bm12345678", True), ("1234567890", True), ("bm1234567", False),
                                     ("BM12345678", False), ("12345678901", False), ("bm1234567x", False), ("", False)])
def test_site_identifier_code_is_bm_and_8_digits_or_10_digits(code, ok):
    if ok:
        validate_site_id_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_site_id_code(code)


def test_a_site_has_at_most_one_general_office():
    site = make_site()
    make_department(site, "bgt", general_office=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_department(site, "bgt2", general_office=True)


def test_a_column_is_owned_by_a_department_of_its_own_site():
    site, other = make_site(), make_site()
    foreign = make_department(other)
    column = Column(site=site, department=foreign, slug="x", name="x")
    with pytest.raises(ValidationError) as err:
        column.full_clean()
    assert "department" in err.value.message_dict


def test_a_column_cannot_be_moved_under_its_own_descendant():
    site = make_site()
    dept = make_department(site)
    top = make_column(site, dept, "top")
    child = make_column(site, dept, "child", parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as err:
        top.full_clean()
    assert "parent" in err.value.message_dict


def test_sibling_columns_have_distinct_slugs_including_at_the_root():
    site = make_site()
    dept = make_department(site)
    make_column(site, dept, "news")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_column(site, dept, "news")


def test_the_ancestor_table_follows_a_move_of_a_whole_subtree():
    site = make_site()
    dept = make_department(site)
    a = make_column(site, dept, "a")
    b = make_column(site, dept, "b")
    a1 = make_column(site, dept, "a1", parent=a)
    a11 = make_column(site, dept, "a11", parent=a1)
    assert set(ColumnAncestor.objects.filter(column=a11).values_list("ancestor__slug", flat=True)) == {"a", "a1", "a11"}
    a1.parent = b
    a1.save()
    a11.refresh_from_db()
    assert set(ColumnAncestor.objects.filter(column=a11).values_list("ancestor__slug", flat=True)) == {"b", "a1", "a11"}
    assert a11.url_path == "b/a1/a11" and a11.depth == 2
    assert not ColumnAncestor.objects.filter(ancestor=a).exclude(column=a).exists()
