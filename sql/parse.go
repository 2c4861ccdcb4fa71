package sql

import (
	"errors"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/runnel-db/runnel/pgerr"
)

// Parsed is one statement with the text it was parsed from.
type Parsed struct {
	Stmt Statement
	Text string // the statement's own text, trimmed, without the final semicolon
	// NumParams is the highest $n the statement uses.
	NumParams int
}

// Parse parses every statement of text, in order. Errors are *pgerr.Error with a SQLSTATE and, for
// syntax errors, the 1-based character position in text.
func Parse(text string) (out []Parsed, err error) {
	// Conversion walks arbitrary client input through cgo results; a bug must cost one statement an
	// error, never the server its process.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, pgerr.New(pgerr.InternalError, "internal error while parsing: %v", r)
		}
	}()
	if out, ok, err := parseFast(text); ok {
		return out, err
	}
	stmts, err := splitTokens(text)
	if err != nil {
		return nil, err
	}
	out = make([]Parsed, 0, len(stmts))
	for _, s := range stmts {
		ps, err := parseStatement(s)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// ParseOne parses a text that must hold exactly one statement, as the extended protocol requires.
func ParseOne(text string) (Parsed, error) {
	ps, err := Parse(text)
	if err != nil {
		return Parsed{}, err
	}
	switch len(ps) {
	case 0:
		return Parsed{}, pgerr.New(pgerr.SyntaxError, "empty query")
	case 1:
		return ps[0], nil
	}
	return Parsed{}, pgerr.New(pgerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
}

// Split returns the texts of the statements in text without parsing them, so that a client can run
// them one by one. Comment-only and empty parts are dropped; leading comments too.
//
// It cuts at the ';' tokens of pg_query's scanner rather than calling pg_query.SplitWithScanner,
// which silently drops statements that start with an identifier: FLUSH, DESCRIBE.
func Split(text string) ([]string, error) {
	stmts, err := splitTokens(text)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(stmts))
	for i, s := range stmts {
		out[i] = s.sql
	}
	return out, nil
}

// parseStatement parses one statement: fixed-shape and RisingWave statements by their tokens, the
// rest by pg_query.
func parseStatement(s *stmtText) ([]Parsed, error) {
	var st Statement
	var nparams int
	var err error
	if st, err = parseFixed(s); err != nil {
		return nil, err
	}
	if st == nil {
		st, nparams, err = parseRisingWave(s)
		if err != nil {
			return nil, err
		}
	}
	if st != nil {
		return []Parsed{{Stmt: st, Text: s.sql, NumParams: nparams}}, nil
	}
	res, err := pg_query.Parse(s.sql)
	if err != nil {
		return nil, s.syntaxError(err)
	}
	out := make([]Parsed, 0, len(res.Stmts))
	for _, raw := range res.Stmts {
		c := newConverter(s, s.sql)
		st, err := c.statement(raw.Stmt)
		if err != nil {
			return nil, err
		}
		out = append(out, Parsed{Stmt: st, Text: s.sql, NumParams: c.maxParam})
	}
	return out, nil
}

// syntaxError turns a pg_query error into 42601 (PostgreSQL's code for every raw-parser error but the
// "not supported" ones), with the position counted in characters of the whole text; charBase is the
// number of characters before the part pg_query saw.
func syntaxError(err error, charBase int) error {
	var qe *parser.Error
	if !errors.As(err, &qe) {
		return pgerr.Wrap(err, pgerr.SyntaxError, "")
	}
	pe := pgerr.New(pgerr.SyntaxError, "%s", qe.Message)
	if qe.Cursorpos > 0 {
		pe.Position = charBase + qe.Cursorpos
	}
	if strings.Contains(qe.Message, "not supported") || strings.Contains(qe.Message, "not implemented") {
		pe.Code = pgerr.FeatureNotSupported
	}
	return pe
}
