"""A member of staff at a desk: a browser window of the admin, signed in."""

DESK_HEIGHT = 900


def desk_page(
    browser, base_url, username, password, *, width=1366, cookies=(), **options
):
    """A new context at ``width`` px (closed with ``page.context.close()``),
    with ``cookies`` set first (the admin's language), signed in."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": DESK_HEIGHT}, **options
    )
    context.set_default_timeout(15_000)
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form [type=submit]")
    page.wait_for_url("**/admin/")
    return page
