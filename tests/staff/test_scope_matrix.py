"""Each role × each portal model × list/view/change/delete/add, on a record in
the user's area and on one outside it (issue 6, item 1).

Outside the area nothing is listed, opened, changed or deleted, and no
dropdown, autocomplete or search offers it; inside, the role's permissions
decide.
"""

from http import HTTPStatus

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from staff.roles import role_permissions
from staff.scopes import scope_for
from tests.staff.conftest import REGISTERED, ROLES, is_scoped, staff_user

pytestmark = pytest.mark.django_db

MODEL_IDS = [model._meta.label for model in REGISTERED]
# A record that does not exist, is out of scope or may not be seen: the admin
# answers the same way for each, so nothing tells them apart.
REFUSED = {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}


def url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def may(role, model, action) -> bool:
    meta = model._meta
    return (meta.app_label, f"{action}_{meta.model_name}") in role_permissions()[role]


def out_of_scope(model, outside) -> list:
    """The outside area's records of ``model`` no one outside may reach
    (shared rows such as a default template are everyone's)."""
    if not is_scoped(model):
        return []
    rows = model._default_manager.filter(pk__in=outside.of(model))
    scope = scope_for(model)
    if scope.shared is not None:
        rows = rows.exclude(scope.shared)
    return list(rows)


def choice_pks(response) -> dict:
    """Every choice offered by a dropdown or multi-select on the page, by model."""
    context = response.context
    forms_on_page = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        forms_on_page.extend(inline.formset.forms)
        forms_on_page.append(inline.formset.empty_form)
    offered = {}
    for form in forms_on_page:
        for field in form.fields.values():
            # A hidden field (an inline row's own id) offers no choice.
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field.widget, forms.HiddenInput
            ):
                model = field.queryset.model
                pks = set(field.queryset.values_list("pk", flat=True))
                offered.setdefault(model, set()).update(pks)
    return offered


def assert_no_choice_outside(response, outside):
    for model, pks in choice_pks(response).items():
        leaked = {obj.pk for obj in out_of_scope(model, outside)} & pks
        assert not leaked, f"{model._meta.label} offers {leaked}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_records_outside_the_area_are_never_reached(
    client, django_user_model, areas, role, model
):
    inside, outside = areas
    client.force_login(staff_user(django_user_model, role, inside))
    hidden = out_of_scope(model, outside)

    listing = client.get(url(model, "changelist"))
    if listing.status_code == HTTPStatus.OK:
        shown = {obj.pk for obj in listing.context["cl"].result_list}
        assert shown.isdisjoint({obj.pk for obj in hidden})
    else:
        assert listing.status_code == HTTPStatus.FORBIDDEN

    for obj in hidden:
        for view in ("change", "delete", "history"):
            response = client.get(url(model, view, obj.pk))
            # Exactly as for a record that does not exist (issue 22), unless
            # the role may not open the model's pages at all.
            missing = client.get(url(model, view, 987654))
            assert response.status_code == missing.status_code, (view, obj)
            assert response.status_code in REFUSED, (view, obj)
        before = model._default_manager.get(pk=obj.pk).version
        response = client.post(url(model, "change", obj.pk), {"version": before})
        assert response.status_code in REFUSED
        assert model._default_manager.get(pk=obj.pk).version == before
        response = client.post(url(model, "delete", obj.pk), {"post": "yes"})
        assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_records_inside_the_area_follow_the_role(
    client, django_user_model, areas, role, model
):
    inside, outside = areas
    client.force_login(staff_user(django_user_model, role, inside))
    obj = inside.one(model)
    if obj is None:
        pytest.skip("make_one_of_each makes none")
    model_admin = admin.site._registry[model]
    reachable = not is_scoped(model) or model._default_manager.filter(pk=obj.pk).filter(
        pk__in=model_admin.get_queryset(_request(client, obj)).values("pk")
    )

    can_view = may(role, model, "view") or may(role, model, "change")
    listing = client.get(url(model, "changelist"))
    if can_view:
        assert listing.status_code == HTTPStatus.OK
    else:
        assert listing.status_code == HTTPStatus.FORBIDDEN

    change = client.get(url(model, "change", obj.pk))
    if can_view and reachable:
        assert change.status_code == HTTPStatus.OK
        assert_no_choice_outside(change, outside)
    else:
        assert change.status_code in REFUSED

    delete = client.get(url(model, "delete", obj.pk))
    if may(role, model, "delete") and reachable:
        assert delete.status_code == HTTPStatus.OK
    else:
        assert delete.status_code in REFUSED

    add = client.get(url(model, "add"))
    if may(role, model, "add"):
        assert add.status_code == HTTPStatus.OK
        assert_no_choice_outside(add, outside)
    else:
        assert add.status_code == HTTPStatus.FORBIDDEN


def _request(client, obj):
    """A request as the logged-in user, for asking the admin its queryset."""
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return request
