from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Addresses under /api/v1/ that name no resource answer a JSON 404, like the resources themselves."""

    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


# The <style> element in which ReDoc's bundle puts perfect-scrollbar's styles as it loads, before a nonce can be handed
# to it: the hashes of its text when added (empty) and when filled, for the bundle of drf-spectacular-sidecar
# 2026.10.1 (a new bundle with other styles fails the browser tests on the violation).
REDOC_BUNDLE_STYLES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


@method_decorator(
    csp_update({"style-src": [NONCE, *REDOC_BUNDLE_STYLES], "worker-src": [SELF, "blob:"]}), name="dispatch"
)
class RedocView(SpectacularRedocView):
    """The API reference drawn by ReDoc, which cannot work under the portal's policy as it is, so this page's policy
    alone allows a little more. ReDoc builds its styles in the browser and adds them as ``<style>`` elements: they
    are allowed when they carry the page's nonce, which its start-up script (``static/js/redoc-init.js``) hands to
    ReDoc, or for the one the bundle adds before that, by their hashes. Its search runs in a worker that it starts
    from a ``blob:`` address of its own making. Scripts stay the portal's files only."""
