from rest_framework import serializers

from regencies.models import Province, Regency


class ProvinceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class ProvinceSerializer(serializers.ModelSerializer):
    regency_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Province
        fields = ["code", "name", "is_active", "regency_count"]


class RegencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regency
        fields = ["code", "name", "kind"]


class RegencySerializer(serializers.ModelSerializer):
    province = ProvinceBriefSerializer(read_only=True)

    class Meta:
        model = Regency
        fields = ["code", "name", "kind", "slug", "is_active", "province"]
