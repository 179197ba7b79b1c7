"""Background work: periodic jobs run by Celery beat in production, or by an in-process thread."""
