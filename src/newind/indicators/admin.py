from django.contrib import admin

from newind.indicators.models import ImportBatch, Indicator, Observation


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "measure_unit", "frequency", "direction", "value_kind", "additive"]
    search_fields = ["code", "name"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    # Observations are append-only: the admin shows them but cannot change or delete them.
    list_display = ["indicator", "unit", "year", "period_kind", "period_n", "value", "release", "version", "is_current"]
    list_filter = ["indicator", "release", "is_current", "is_synthetic"]
    search_fields = ["unit__name", "unit__code"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source_kind", "created_by", "created_at", "added", "changed", "unchanged"]
