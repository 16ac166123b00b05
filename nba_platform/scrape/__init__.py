"""Phase 1: live scrapers. They fetch native responses, validate them with the sources' parsers and land
them in the landing zone; the landing sensor takes it from there."""
