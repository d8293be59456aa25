"""Background jobs the clock runs: reminder planning, the month's recap, the repeat of urgent referrals."""
