"""Question banks written on the web: drafts per bank, one question at a time, GIFT import."""
