package sql

// parseFixed recognises statements of fixed shape that pg_query would misread or reject.
func parseFixed(s *stmtText) (Statement, error) { return nil, nil }
