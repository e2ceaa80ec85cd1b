from smartcity.accounts import two_factor


def sign_in(request):
    """Whether the sign-in still has its second step to pass: the header then offers nothing but signing out."""
    user = getattr(request, "user", None)
    return {"sign_in_pending": bool(user and user.is_authenticated and two_factor.pending(request))}
