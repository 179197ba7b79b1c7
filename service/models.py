"""Imports every model module so `Base.metadata` is complete (for Alembic and test set-up)."""

from service.audit import models as audit_models
from service.campaign import models as campaign_models
from service.db import Base
from service.documents import models as document_models
from service.engine import holidays as calendar_models
from service.engine import models as engine_models
from service.governance import models as governance_models
from service.identity import models as identity_models
from service.notifications import models as notification_models
from service.petitions import models as petition_models
from service.petitions import review as review_models
from service.petitions import supervision as supervision_models
from service.reception import models as reception_models

__all__ = [
    "Base",
    "audit_models",
    "calendar_models",
    "campaign_models",
    "document_models",
    "engine_models",
    "governance_models",
    "identity_models",
    "notification_models",
    "petition_models",
    "reception_models",
    "review_models",
    "supervision_models",
]
