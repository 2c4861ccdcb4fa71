package sql

// Parsed is one statement with the text it was parsed from.
type Parsed struct {
	Stmt Statement
	Text string // the statement's own text, trimmed, without the final semicolon
	// NumParams is the highest $n the statement uses.
	NumParams int
}
