"""Written notices (DOMAIN.md §7): editable templates, sandboxed rendering, DOCX and PDF output."""
