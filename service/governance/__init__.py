"""Source governance (源头治理): metrics, hot issues, duplicates and governance items (issue 6)."""
