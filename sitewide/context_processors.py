"""What every page's layout needs from the records: whether the site holds
synthetic data (the banner in base.html)."""

from django.utils.functional import SimpleLazyObject

from sitewide.synthetic import synthetic_data_present


def synthetic_data(request) -> dict:
    # Lazy: a page that does not render the banner costs no lookup.
    return {"synthetic_data": SimpleLazyObject(synthetic_data_present)}
