"""In-app notifications (an inbox per user), task reminders and e-mail after commit."""
