from mou.models import MoU
from smartcity import roles
from smartcity.accounts import two_factor


def portal(request):
    """What every page shows: the signed-in user's roles, demo-account marking, whether demo data is loaded, and
    whether the sign-in still has its second step to pass (the header then offers nothing but signing out)."""
    context = {"demo_data_present": MoU.objects.filter(is_demo=True).exists()}
    user = request.user
    if not user.is_authenticated:
        return {
            **context,
            "user_roles": [],
            "is_demo_account": False,
            "is_officer_account": False,
            "sign_in_pending": False,
        }
    names = {group.name for group in user.groups.all()}
    return {
        **context,
        "user_roles": [label for name, label in roles.ROLES.items() if name in names],
        "is_demo_account": roles.DEMO_ACCOUNTS in names,
        "is_officer_account": roles.REGENCY_OFFICER in names,
        "sign_in_pending": two_factor.pending(request) is not None,
    }
