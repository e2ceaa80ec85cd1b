from rest_framework import serializers

from mou.models import DOCUMENT_FIELDS, Cohort, Goal, MoU, SigningEvent
from regencies.api.serializers import ProvinceBriefSerializer, RegencyBriefSerializer, RegencySerializer


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["year", "label", "target", "source"]


class SigningEventSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort.year", read_only=True)

    class Meta:
        model = SigningEvent
        fields = ["id", "cohort", "date", "title", "venue", "city", "note", "source"]


class SigningEventBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SigningEvent
        fields = ["id", "date", "title"]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "name", "target", "deadline_year", "is_active", "source"]


class MoUBriefSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort.year", read_only=True)

    class Meta:
        model = MoU
        fields = ["id", "cohort", "signed_on", "status", "is_demo"]


class MoUSerializer(serializers.ModelSerializer):
    """An MoU as partners see it; the scanned document stays with ministry staff."""

    regency = RegencyBriefSerializer(read_only=True)
    province = ProvinceBriefSerializer(source="regency.province", read_only=True)
    cohort = serializers.IntegerField(source="cohort.year", read_only=True)
    event = SigningEventBriefSerializer(read_only=True)

    class Meta:
        model = MoU
        fields = [
            "id",
            "regency",
            "province",
            "cohort",
            "event",
            "signed_on",
            "status",
            "valid_until",
            "ended_on",
            *DOCUMENT_FIELDS,
            "note",
            "source",
            "is_demo",
            "updated_at",
        ]


class MemberRegencySerializer(RegencySerializer):
    """A regency with its MoUs: what the programme knows of it."""

    mous = MoUBriefSerializer(many=True, read_only=True)

    class Meta(RegencySerializer.Meta):
        fields = [*RegencySerializer.Meta.fields, "mous"]
