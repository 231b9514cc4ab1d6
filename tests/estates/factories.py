"""Factories for test records. Names are obviously test names, never real places."""

import factory

from estates import models


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Province

    name_zh_hans = factory.Sequence(lambda n: f"测试省{n}")
    name_en = factory.Sequence(lambda n: f"Test Province {n}")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.City

    province = factory.SubFactory(ProvinceFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试市{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.District

    city = factory.SubFactory(CityFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试区{n}")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subdistrict

    district = factory.SubFactory(DistrictFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试社区{n}")


class PropertyCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PropertyCompany

    name_zh_hans = factory.Sequence(lambda n: f"测试物业{n}")


class MergedCourtyardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MergedCourtyard

    name_zh_hans = factory.Sequence(lambda n: f"测试合院{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Estate

    name_zh_hans = factory.Sequence(lambda n: f"测试小区{n}")
    community = factory.SubFactory(CommunityFactory)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Procedure

    name_zh_hans = factory.Sequence(lambda n: f"测试流程{n}")


class StepTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StepTemplate

    procedure = factory.SubFactory(ProcedureFactory)
    stage = models.Stage.TENDERING
    number = factory.Sequence(lambda n: n + 1)
    name_zh_hans = factory.Sequence(lambda n: f"测试步骤{n}")


class WorksItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorksItem

    estate = factory.SubFactory(EstateFactory)
    category = models.WorksCategory.LIGHTING
    tier = models.Tier.BASIC
    unit = models.Unit.LAMP


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Facility

    name_zh_hans = factory.Sequence(lambda n: f"测试设施{n}")
    kind = models.FacilityKind.NEIGHBOURHOOD_CENTRE
    subdistrict = factory.SubFactory(SubdistrictFactory)
