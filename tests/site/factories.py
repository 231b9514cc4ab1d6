import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from sitewide.models import Job, JobStatus


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"clerk{n}")
    is_staff = True


class JobFactory(factory.django.DjangoModelFactory):
    """An import applied: done, with its counts."""

    class Meta:
        model = Job

    user = factory.SubFactory(StaffUserFactory)
    kind = "estates.import"
    params = factory.LazyFunction(
        lambda: {"kind": "estates", "file": "imports/x.csv", "name": "小区名册.XLSX"}
    )
    status = JobStatus.DONE
    done = 3
    total = 3
    result = factory.LazyFunction(
        lambda: {"create": 2, "change": 1, "unchanged": 0, "reject": 0, "total": 3}
    )
    language = "zh-hans"
    finished_at = factory.LazyFunction(timezone.now)
