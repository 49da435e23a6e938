"""Landing and home pages, language switch and health check."""
