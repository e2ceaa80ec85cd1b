from rest_framework import permissions


class ReadOrScopedWrite(permissions.BasePermission):
    """Anyone may read (each queryset shows only what its caller may see); writing needs a signed-in user and,
    through a token, one with the read-and-write scope. What a user may change is the services' decision."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        return token is None or not hasattr(token, "can_write") or token.can_write
