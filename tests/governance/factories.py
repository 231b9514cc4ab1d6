"""Factories for governance records. Names are obviously test names."""

import datetime

import factory

from estates.models import Stage
from governance import models
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    SubdistrictFactory,
)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Council
        skip_postgeneration_save = True

    name_zh_hans = factory.Sequence(lambda n: f"测试议事会{n}")
    level = models.CouncilLevel.COMMUNITY
    community = factory.SubFactory(CommunityFactory)
    subdistrict = factory.SelfAttribute("community.subdistrict")

    @factory.post_generation
    def estates(self, create, extracted, **kwargs):
        if create and extracted:
            self.estates.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    council = factory.SubFactory(CouncilFactory)
    kind = models.MeetingKind.WEEKLY_TALK
    held_on = datetime.date(2024, 3, 2)
    title_zh_hans = factory.Sequence(lambda n: f"测试会议{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name_zh_hans = factory.Sequence(lambda n: f"测试组织{n}")
    kind = models.OrganisationKind.VOLUNTEER_TEAM
    subdistrict = factory.SubFactory(SubdistrictFactory)


class MediationCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MediationCase

    subdistrict = factory.SubFactory(SubdistrictFactory)
    category_zh_hans = "测试纠纷类别"
    opened_on = datetime.date(2024, 3, 1)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Award

    name_zh_hans = factory.Sequence(lambda n: f"测试奖项{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)


class AwardGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AwardGrant

    award = factory.SubFactory(AwardFactory)
    year = 2024


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Practice

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试做法{n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Feedback

    reference = factory.LazyFunction(models.new_reference)
    estate = factory.SubFactory(EstateFactory)
    category = models.FeedbackCategory.LIGHTING
    text = factory.Sequence(lambda n: f"测试意见{n}：路灯不亮")


class FeedbackContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FeedbackContact

    feedback = factory.SubFactory(FeedbackFactory)
    name = "测试居民"
    phone = "13812345678"
    consent = True


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Survey

    estate = factory.SubFactory(EstateFactory, stage=Stage.ACCEPTANCE)
    opens_on = datetime.date(2025, 1, 1)


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SurveyResponse

    survey = factory.SubFactory(SurveyFactory)
    works_quality = 4
    property_service = 4
    facilities = 4
    overall = 4
    device_key = factory.Sequence(lambda n: f"{n:064x}")
