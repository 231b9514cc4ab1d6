"""Factories for test records. Names are obviously test names, never real places."""

import datetime

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


class CommunityChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CommunityChecklistItem

    community = factory.SubFactory(CommunityFactory)
    category = models.ChecklistCategory.BASIC_SERVICES
    status = models.ChecklistStatus.MET


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Honour
        skip_postgeneration_save = True

    title_zh_hans = factory.Sequence(lambda n: f"测试荣誉{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)

    @factory.post_generation
    def estates(self, create, extracted, **kwargs):
        if create and extracted:
            self.estates.set(extracted)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Step

    estate = factory.SubFactory(EstateFactory)
    template = factory.SubFactory(StepTemplateFactory)


class StepDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StepDocument

    step = factory.SubFactory(StepFactory)
    title_zh_hans = factory.Sequence(lambda n: f"测试文件{n}")
    file = factory.django.FileField(
        filename="test-document.pdf", data=b"%PDF-1.4\n%%EOF\n"
    )


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Funding

    estate = factory.SubFactory(EstateFactory)
    source = models.FundingSource.CENTRAL_SUBSIDY


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Notice

    estate = factory.SubFactory(EstateFactory)
    kind = models.NoticeKind.WATER_CUT
    title_zh_hans = factory.Sequence(lambda n: f"测试公告{n}")
    starts_at = datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC)


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Photo

    estate = factory.SubFactory(EstateFactory)
    kind = models.PhotoKind.BEFORE


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    name_zh_hans = factory.Sequence(lambda n: f"测试计划{n}")
    name_en = factory.Sequence(lambda n: f"Test programme {n}")
    short_name_zh_hans = factory.Sequence(lambda n: f"测试{n}")
    short_name_en = factory.Sequence(lambda n: f"Test {n}")
    slug = factory.Sequence(lambda n: f"test-programme-{n}")
    subdistrict = factory.SubFactory(SubdistrictFactory)


class ProgrammeSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeSource

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"s{n}")
    title_zh_hans = factory.Sequence(lambda n: f"测试来源{n}")
    title_en = factory.Sequence(lambda n: f"Test source {n}")


class ProgrammeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeBatch

    programme = factory.SubFactory(ProgrammeFactory)
    kind = models.BatchKind.YEAR
    year = factory.Sequence(lambda n: 2000 + n % 100)


class ProgrammeFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeFigure

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"test-figure-{n}")
    label_zh_hans = factory.Sequence(lambda n: f"测试数字{n}")
    source = factory.SubFactory(
        ProgrammeSourceFactory, programme=factory.SelfAttribute("..programme")
    )


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeMembership

    programme = factory.SubFactory(ProgrammeFactory)
    estate = factory.SubFactory(EstateFactory)


class ProgrammePillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammePillar

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"test-pillar-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试支柱{n}")
    name_en = factory.Sequence(lambda n: f"test pillar {n}")


class CaseStudySectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CaseStudySection

    programme = factory.SubFactory(ProgrammeFactory)
    heading_zh_hans = factory.Sequence(lambda n: f"测试章节{n}")
    heading_en = factory.Sequence(lambda n: f"Test section {n}")
    position = factory.Sequence(lambda n: n)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Inspection

    estate = factory.SubFactory(EstateFactory)
    kind = models.InspectionKind.MATERIALS
    findings_zh_hans = factory.Sequence(lambda n: f"测试检查记录{n}")
    outcome = models.InspectionOutcome.SATISFACTORY
