"""Background work: the outbox dispatcher and the APScheduler clock that plans reminders."""
