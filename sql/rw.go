package sql

func parseRisingWave(s *stmtText) (Statement, int, error) { return nil, 0, nil }
