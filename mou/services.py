from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mou.models import MoU


def end_mou(mou_id, *, status, ended_on, reason):
    """End an active MoU (expired or terminated), under a row lock so two staff members cannot both end it.

    The reason is kept in the MoU's history. Raises ``ValidationError`` keyed by field when the rules refuse.
    """
    with transaction.atomic():
        mou = MoU.objects.select_for_update().select_related("regency", "cohort").get(pk=mou_id)
        if not mou.is_active:
            raise ValidationError({"status": ValidationError(_("This MoU has already ended."), code="ended")})
        mou.status, mou.ended_on = status, ended_on
        mou.full_clean(exclude=["document"])
        mou._change_reason = reason
        mou.save()
    return mou
