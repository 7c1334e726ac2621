from django.contrib import admin

from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitLink


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "division_code", "is_synthetic"]
    list_filter = ["kind", "is_synthetic"]
    search_fields = ["code", "name", "short_name", "credit_code"]


class PeerGroupMemberInline(admin.TabularInline):
    model = PeerGroupMember
    autocomplete_fields = ["unit"]
    extra = 1


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "editable", "min_reporting"]
    inlines = [PeerGroupMemberInline]


admin.site.register(Hierarchy)
admin.site.register(UnitLink)
