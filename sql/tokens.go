package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// token is one lexical token of a statement; start and end are byte offsets into stmtText.sql.
type token struct {
	kind       pg_query.Token
	keyword    pg_query.KeywordKind
	start, end int
	// word is the lower-cased text of a keyword or an unquoted identifier, "" for anything else, so
	// that a quoted "source" never matches the keyword SOURCE.
	word string
}

// stmtText is one statement of a larger text, with its tokens (comments dropped).
type stmtText struct {
	sql      string
	charBase int // characters of the whole text before sql, for error positions
	toks     []token
}

// splitTokens scans text once and cuts it at top-level semicolons. The scanner already knows strings,
// quoted identifiers, dollar quotes and comments, so a ';' token is always a statement boundary.
func splitTokens(text string) ([]*stmtText, error) {
	res, err := pg_query.Scan(text)
	if err != nil {
		return nil, syntaxError(err, 0)
	}
	var out []*stmtText
	var cur []*pg_query.ScanToken
	chars, charsAt := 0, 0 // rune count of text[:charsAt], advanced incrementally
	flush := func(end int) {
		if len(cur) == 0 {
			return
		}
		start := int(cur[0].Start)
		chars += utf8.RuneCountInString(text[charsAt:start])
		charsAt = start
		s := &stmtText{
			sql:      strings.TrimRightFunc(text[start:end], unicode.IsSpace),
			charBase: chars,
			toks:     make([]token, len(cur)),
		}
		for i, t := range cur {
			tk := token{kind: t.Token, keyword: t.KeywordKind, start: int(t.Start) - start, end: int(t.End) - start}
			raw := text[t.Start:t.End]
			if t.KeywordKind != pg_query.KeywordKind_NO_KEYWORD || (t.Token == pg_query.Token_IDENT && raw[0] != '"') {
				tk.word = asciiLower(raw)
			}
			s.toks[i] = tk
		}
		out = append(out, s)
		cur = cur[:0]
	}
	for _, t := range res.Tokens {
		switch t.Token {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			continue
		case pg_query.Token_ASCII_59:
			flush(int(t.Start))
			continue
		}
		cur = append(cur, t)
	}
	flush(len(text))
	return out, nil
}

// asciiLower folds an identifier the way PostgreSQL does: ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (s *stmtText) text(i int) string {
	if i < 0 || i >= len(s.toks) {
		return ""
	}
	return s.sql[s.toks[i].start:s.toks[i].end]
}

func (s *stmtText) word(i int) string {
	if i < 0 || i >= len(s.toks) {
		return ""
	}
	return s.toks[i].word
}

func (s *stmtText) kind(i int) pg_query.Token {
	if i < 0 || i >= len(s.toks) {
		return pg_query.Token_NUL
	}
	return s.toks[i].kind
}

// is reports whether the tokens from i on are the given words.
func (s *stmtText) is(i int, words ...string) bool {
	for k, w := range words {
		if s.word(i+k) != w {
			return false
		}
	}
	return true
}

// ident returns the identifier at token i: unquoted ones folded, quoted ones as written. Reserved
// keywords are not identifiers, as in PostgreSQL.
func (s *stmtText) ident(i int) (string, bool) {
	if i >= len(s.toks) {
		return "", false
	}
	t := s.toks[i]
	switch {
	case t.kind == pg_query.Token_IDENT && t.word == "":
		raw := s.sql[t.start:t.end]
		return strings.ReplaceAll(raw[1:len(raw)-1], `""`, `"`), true
	case t.kind == pg_query.Token_IDENT:
		return t.word, true
	case t.keyword != pg_query.KeywordKind_NO_KEYWORD && t.keyword != pg_query.KeywordKind_RESERVED_KEYWORD:
		return t.word, true
	}
	return "", false
}

// objectName reads name or schema.name at i and returns the index after it.
func (s *stmtText) objectName(i int) (ObjectName, int, error) {
	a, ok := s.ident(i)
	if !ok {
		return ObjectName{}, i, s.syntaxErrAt(i)
	}
	if s.kind(i+1) != pg_query.Token_ASCII_46 {
		return ObjectName{Name: a}, i + 1, nil
	}
	b, ok := s.ident(i + 2)
	if !ok {
		return ObjectName{}, i, s.syntaxErrAt(i + 2)
	}
	if s.kind(i+3) == pg_query.Token_ASCII_46 {
		return ObjectName{}, i, pgerr.New(pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", s.sql[s.toks[i].start:s.toks[i+4].end])
	}
	return ObjectName{Schema: a, Name: b}, i + 3, nil
}

// closing returns the index of the parenthesis that closes the one at i, or -1.
func (s *stmtText) closing(i int) int {
	depth := 0
	for j := i; j < len(s.toks); j++ {
		switch s.toks[j].kind {
		case pg_query.Token_ASCII_40, pg_query.Token_ASCII_91:
			depth++
		case pg_query.Token_ASCII_41, pg_query.Token_ASCII_93:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// pos is the 1-based character position of byte offset off of sql in the whole text.
func (s *stmtText) pos(off int) int {
	return s.charBase + utf8.RuneCountInString(s.sql[:off]) + 1
}

// syntaxErrAt is PostgreSQL's syntax error for token i (or the end of input).
func (s *stmtText) syntaxErrAt(i int) error {
	if i >= len(s.toks) {
		e := pgerr.New(pgerr.SyntaxError, "syntax error at end of input")
		e.Position = s.pos(len(s.sql))
		return e
	}
	e := pgerr.New(pgerr.SyntaxError, "syntax error at or near \"%s\"", s.text(i))
	e.Position = s.pos(s.toks[i].start)
	return e
}

// errAt returns an error positioned at token i.
func (s *stmtText) errAt(i int, code, format string, args ...any) error {
	e := pgerr.New(code, format, args...)
	if i < len(s.toks) {
		e.Position = s.pos(s.toks[i].start)
	} else {
		e.Position = s.pos(len(s.sql))
	}
	return e
}

// syntaxError maps a pg_query error on sql (or on a masked copy with the same characters) to the
// whole text.
func (s *stmtText) syntaxError(err error) error {
	return syntaxError(err, s.charBase)
}
