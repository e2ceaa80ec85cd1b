from smartcity import roles


def portal(request):
    """What the page header shows about the signed-in user: their roles and whether it is a demo account."""
    user = request.user
    if not user.is_authenticated:
        return {"user_roles": [], "is_demo_account": False}
    names = {group.name for group in user.groups.all()}
    return {
        "user_roles": [label for name, label in roles.ROLES.items() if name in names],
        "is_demo_account": roles.DEMO_ACCOUNTS in names,
    }
