package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// fastWords start statements that can hold neither a RisingWave clause nor a fixed shape, so a
// single one of them goes to pg_query without the scan that costs about a third of a parse.
var fastWords = toSet(`select insert update delete with values set reset begin start commit end rollback
abort savepoint release discard deallocate execute copy comment`)

// parseFast parses a text holding one statement without scanning it first. ok is false when the
// text needs the scanning path: several statements, RisingWave DDL, fixed shapes.
func parseFast(text string) (out []Parsed, ok bool, err error) {
	if strings.IndexByte(text, ';') >= 0 {
		return nil, false, nil
	}
	body := skipComments(text)
	lead := text[:len(text)-len(body)]
	body = strings.TrimRightFunc(body, unicode.IsSpace)
	word := firstWord(body)
	create := word == "create"
	if !create && !fastWords[word] {
		return nil, false, nil
	}
	res, err := pg_query.Parse(body)
	if err != nil || len(res.Stmts) != 1 {
		if create { // perhaps RisingWave's: the scanning path knows
			return nil, false, nil
		}
		if err == nil {
			return nil, false, nil
		}
		return nil, true, syntaxError(err, utf8.RuneCountInString(lead))
	}
	raw := res.Stmts[0].Stmt
	if create && !plainCreate(raw) {
		return nil, false, nil
	}
	s := &stmtText{sql: body, charBase: utf8.RuneCountInString(lead)}
	c := newConverter(s, body)
	st, err := c.statement(raw)
	if err != nil {
		return nil, true, err
	}
	return []Parsed{{Stmt: st, Text: body, NumParams: c.maxParam}}, true, nil
}

// plainCreate reports whether a CREATE that PostgreSQL's grammar accepted has no WITH (...) that
// RisingWave reads as connector or view options.
func plainCreate(n *pg_query.Node) bool {
	switch v := n.Node.(type) {
	case *pg_query.Node_CreateStmt:
		return len(v.CreateStmt.Options) == 0
	case *pg_query.Node_CreateTableAsStmt:
		return len(v.CreateTableAsStmt.Into.Options) == 0
	case *pg_query.Node_ViewStmt, *pg_query.Node_IndexStmt, *pg_query.Node_CreateSchemaStmt:
		return true
	}
	return false
}

// firstWord returns the leading ASCII word of s, lower-cased.
func firstWord(s string) string {
	i := 0
	for i < len(s) && (s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z') {
		i++
	}
	return asciiLower(s[:i])
}

// skipComments drops leading white space and comments (nested /* */ as PostgreSQL nests them).
func skipComments(s string) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			depth, i := 0, 0
			for i < len(s) {
				if strings.HasPrefix(s[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(s[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth > 0 {
				return s // unterminated: let the scanner report it
			}
			s = s[i:]
		default:
			return s
		}
	}
}
