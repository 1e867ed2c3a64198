"""Preview: the public detail page of any item, whatever its state, for staff who may view it;
with ``?version=pending``, as it will be once its pending changes are published.

Everyone else gets a 404 (not a 403 or a login redirect: the address reveals nothing), whatever
the id or query string. Previews are never cached and never indexed.
"""

from django.contrib.auth import get_permission_codename
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control

from . import pending as pending_changes


def can_preview(user, model):
    opts = model._meta
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}")
    )


class PreviewMixin:
    """Put before a public DetailView: same template and context, every state, a banner."""

    def dispatch(self, request, *args, **kwargs):
        if not can_preview(request.user, self.model):
            raise Http404
        self.pending = None
        if request.GET.get("version") == "pending":
            live = self.model._default_manager.filter(pk=kwargs.get("pk")).first()
            self.pending = pending_changes.pending_for(live)
        if self.pending is not None:
            # The page as it will be once the pending changes are published, rendered in a
            # working copy that is rolled back: readers and the caches never see it.
            with pending_changes.working_copy():
                pending_changes.apply(live, self.pending, record=False)
                response = super().dispatch(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
        else:
            response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_queryset(self):
        # Every state, with the same joins the public page uses.
        return self.model.objects.all().for_detail()

    def is_live(self):
        """Whether readers see this item now, by the public view's own queryset (an option also
        needs its question published)."""
        return super().get_queryset().filter(pk=self.object.pk).exists()

    def get_context_data(self, **kwargs):
        opts = self.model._meta
        admin_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object.pk]
        )
        return super().get_context_data(
            preview=True,
            preview_live=self.is_live(),
            preview_admin_url=admin_url,
            preview_pending=self.pending,
            **kwargs,
        )
