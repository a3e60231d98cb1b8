"""Filters of application lists (reviewer inbox page and the list endpoint share one FilterSet)."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Application, ApplicationState


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ApplicationState.choices)
    security_level = django_filters.CharFilter(label=_("安保等级"))
    start_after = django_filters.DateFilter(label=_("活动开始不早于"), field_name="event__start_at",
                                            lookup_expr="date__gte")
    start_before = django_filters.DateFilter(label=_("活动开始不晚于"), field_name="event__start_at",
                                             lookup_expr="date__lte")
    submitted_after = django_filters.DateFilter(label=_("提交不早于"), field_name="submitted_at",
                                                lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(label=_("提交不晚于"), field_name="submitted_at",
                                                 lookup_expr="date__lte")
    is_late = django_filters.BooleanFilter(label=_("逾期申请"))
    needs_city_decision = django_filters.BooleanFilter(label=_("需市级决定"))
    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")

    class Meta:
        model = Application
        fields = ["state", "security_level", "is_late", "needs_city_decision"]

    def filter_search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(event__name__icontains=value)
                               | Q(organisation__name__icontains=value) | Q(event__venue__name__icontains=value))
