"""Words that third-party templates show and their own catalogues leave in
English in Chinese: Django 5.2's admin names its tables' columns for screen
readers ("Model name", "Add link", "Change or view list link") with no
zh_Hans translation. Listed here so that ``make messages`` puts them in the
portal's catalogues, which Django reads first (LOCALE_PATHS); never imported
(issue 16, item 9)."""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # The user form (django.contrib.auth), new in Django 5.1.
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
)
