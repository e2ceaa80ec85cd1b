from mou.models import MoU
from smartcity import roles


def portal(request):
    """What every page shows: the signed-in user's roles, demo-account marking, and whether demo data is loaded."""
    context = {"demo_data_present": MoU.objects.filter(is_demo=True).exists()}
    user = request.user
    if not user.is_authenticated:
        return {**context, "user_roles": [], "is_demo_account": False, "is_officer_account": False}
    names = {group.name for group in user.groups.all()}
    return {
        **context,
        "user_roles": [label for name, label in roles.ROLES.items() if name in names],
        "is_demo_account": roles.DEMO_ACCOUNTS in names,
        "is_officer_account": roles.REGENCY_OFFICER in names,
    }
