"""Reports: the end of a service or of a day."""
