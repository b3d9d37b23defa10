from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "gaoxin.web.policy"
    label = "policy"
    verbose_name = _("Policies and awards")

    def ready(self):
        from django.db.models.signals import post_save

        from gaoxin.web.credit.services import PUBLISH_HOOKS
        from gaoxin.web.policy import panels, scopes, services  # noqa: F401  (register scoping rules and profile panels)

        # triggers from the other modules: a published score list, a finished ladder assessment, an
        # import that brought qualifications (each re-matches the policies that read such data)
        if services.on_list_published not in PUBLISH_HOOKS:
            PUBLISH_HOOKS.append(services.on_list_published)
        post_save.connect(
            services.on_ladder_saved, sender="cultivation.LadderRun", dispatch_uid="policy-ladder"
        )
        post_save.connect(
            services.on_import_saved, sender="registry.ImportBatch", dispatch_uid="policy-import"
        )
