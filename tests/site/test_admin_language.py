"""A clerk who reads only Chinese sees only Chinese in the admin (issue 16,
item 9): every change list, add page and change page, third-party apps
included, is read in Chinese and may hold no English word that is not the
records' own content."""

import html
import re
from http import HTTPStatus

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse

from sitewide.models import Job, JobStatus
from staff.roles import roles_setup
from tests.estates.factories import EstateFactory
from tests.site.factories import JobFactory
from tests.site.test_admin import make_one_of_each

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")
# Words the admin may show in Chinese: the language switch's own name, key
# names in Django's own Chinese help ("按住 Control 键，或者 Mac 上的 Command
# 键"), the coordinate system, file formats and the programs that make them,
# and the codes a field takes as typed (a pillar's registers, "[[key]]").
ALLOWED = {
    *("English", "Control", "Command", "Mac", "WGS", "API", "CSV", "XLSX", "LDAP"),
    # Names of a data format and its shapes, as the GeoJSON standard spells them.
    *("GeoJSON", "LineString", "Polygon"),
    *("PDF", "JPEG", "PNG", "WebP", "Word", "Excel", "PowerPoint"),
    *("courtyards", "facilities", "organisations", "councils", "awards", "key"),
}


def _content_words() -> set[str]:
    """Every word of every stored text: the records' own content."""
    words = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.SlugField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                words.update(WORD.findall(value or ""))
    return words


def _visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _pages():
    yield reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add"):
            try:
                yield reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            except NoReverseMatch:
                continue
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            yield reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]
            )
    # The pages of the clerk's jobs (sitewide/admin.py): done, running, failed.
    for job in Job.objects.order_by("pk"):
        yield job.get_absolute_url()


def test_no_english_in_the_chinese_admin(client, admin_user):
    roles_setup()
    make_one_of_each()
    JobFactory(status=JobStatus.RUNNING, done=1, finished_at=None)
    JobFactory(
        status=JobStatus.FAILED,
        error="导入在执行时被拒绝：未写入任何内容。",
        result={"rejected": [[2, "测试小区", ["社区：没有这个社区。"]]]},
    )
    # The user page shows a password hash's salt: no password, no salt.
    admin_user.set_unusable_password()
    admin_user.save()
    admin_client = client
    admin_client.force_login(admin_user)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    allowed = ALLOWED | _content_words()

    leftovers = {}
    for path in _pages():
        response = admin_client.get(path)
        if response.status_code == HTTPStatus.FORBIDDEN:
            continue  # feedback and survey answers are never added by staff
        assert response.status_code == HTTPStatus.OK, path
        words = set(WORD.findall(_visible_text(response.content.decode()))) - allowed
        if words:
            leftovers[path] = sorted(words)

    assert leftovers == {}


def test_a_field_s_two_columns_are_named_by_their_language_in_words(admin_client):
    EstateFactory()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    chinese = admin_client.get(reverse("admin:estates_estate_changelist")).text
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = admin_client.get(reverse("admin:estates_estate_changelist")).text

    assert "名称（中文）" in chinese
    assert "名称（英文）" in chinese
    assert "[zh-hans]" not in chinese
    assert "Name (Chinese)" in english
