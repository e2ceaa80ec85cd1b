from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from regencies.choices import RegencyKind
from regencies.filters import RegencyFilterSet
from regencies.models import Province, Regency


class FilteredListView(ListView):
    """A list page driven by a ``StrictFilterSet``: bad filter input answers 400 with the errors on the page.

    Other apps' list pages build on this so that every list treats bad input the same way.
    """

    filterset_class = None
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(request.GET or None, queryset=self.get_base_queryset(), request=request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
            context = self.get_context_data(filter_errors=True)
            return self.render_to_response(context, status=400)
        self.object_list = self.filterset.qs
        return self.render_to_response(self.get_context_data())

    def get_base_queryset(self):
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filterset=self.filterset, query_without_page=query.urlencode(), **kwargs)


class ProvinceListView(ListView):
    template_name = "regencies/province_list.html"
    context_object_name = "provinces"

    def get_queryset(self):
        active = Q(regencies__is_active=True)
        return Province.objects.active().annotate(
            kabupaten_count=Count("regencies", filter=active & Q(regencies__kind=RegencyKind.KABUPATEN)),
            kota_count=Count("regencies", filter=active & Q(regencies__kind=RegencyKind.KOTA)),
            regency_count=Count("regencies", filter=active),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = Regency.objects.active().aggregate(
            regencies=Count("id"),
            kabupaten=Count("id", filter=Q(kind=RegencyKind.KABUPATEN)),
            kota=Count("id", filter=Q(kind=RegencyKind.KOTA)),
        )
        return context


class RegencyListView(FilteredListView):
    template_name = "regencies/regency_list.html"
    filterset_class = RegencyFilterSet
    context_object_name = "regencies"

    def get_base_queryset(self):
        return Regency.objects.active().select_related("province")


class RegencyDetailView(DetailView):
    template_name = "regencies/regency_detail.html"
    context_object_name = "regency"
    queryset = Regency.objects.select_related("province")
