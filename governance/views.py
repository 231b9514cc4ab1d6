"""The governance page: councils, meetings, organisations, awards, mediation."""

from django.views.generic import TemplateView

from . import selectors


class GovernanceView(TemplateView):
    template_name = "governance/governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation_groups, volunteer_teams = selectors.organisations_split()
        mediation_counts = selectors.mediation_counts()
        context.update(
            council_levels=selectors.councils_by_level(),
            council_facts=selectors.programme_facts(selectors.COUNCIL_FACT_KEYS),
            meeting_counts=selectors.meeting_counts_by_kind(),
            organisation_groups=organisation_groups,
            volunteer_teams=volunteer_teams,
            awards=selectors.award_list(),
            integrations=selectors.practices_by_integration(),
            mediation_counts=mediation_counts,
            mediation_total=sum(tally.count for tally in mediation_counts),
            mediation_facts=selectors.programme_facts(selectors.MEDIATION_FACT_KEYS),
        )
        return context
