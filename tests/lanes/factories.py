"""Factories for lane records. Names are obviously test names, never real places."""

import factory

from lanes import models
from tests.estates.factories import SubdistrictFactory


class LaneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lane
        skip_postgeneration_save = True

    name_zh_hans = factory.Sequence(lambda n: f"测试小巷{n}")
    theme_zh_hans = "测试主题"
    subdistrict = factory.SubFactory(SubdistrictFactory)

    @factory.post_generation
    def estates(self, create, extracted, **kwargs):
        if create and extracted:
            self.estates.set(extracted)


class LaneFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LaneFeature

    lane = factory.SubFactory(LaneFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试景观{n}")


class LaneTenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LaneTenant

    lane = factory.SubFactory(LaneFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试商户{n}")
    kind_zh_hans = "测试业态"


class LaneHonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LaneHonour

    lane = factory.SubFactory(LaneFactory)
    title_zh_hans = factory.Sequence(lambda n: f"测试小巷荣誉{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    title_zh_hans = factory.Sequence(lambda n: f"测试活动{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)
    recurrence = models.Recurrence.WEEKLY
    weekday = models.Weekday.SATURDAY
