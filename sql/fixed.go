package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// parseFixed recognises RisingWave statements of fixed shape before pg_query, which would read
// SHOW SOURCES as a setting and reject the rest. It returns nil for anything else.
func parseFixed(s *stmtText) (Statement, error) {
	switch s.word(0) {
	case "flush":
		if len(s.toks) > 1 {
			return nil, s.syntaxErrAt(1)
		}
		return &Flush{}, nil
	case "describe", "desc":
		name, i, err := s.objectName(1)
		if err != nil {
			return nil, err
		}
		return &Describe{Name: name}, s.end(i)
	case "show":
		return s.show()
	case "drop":
		switch s.word(1) {
		case "source":
			return s.dropNames(KindSource, 2)
		case "sink":
			return s.dropNames(KindSink, 2)
		}
	case "alter":
		return s.alter()
	}
	return nil, nil
}

// end checks that token i is past the end of the statement.
func (s *stmtText) end(i int) error {
	if i < len(s.toks) {
		return s.syntaxErrAt(i)
	}
	return nil
}

var showKinds = map[string]ObjectKind{
	"tables": KindTable, "sources": KindSource, "sinks": KindSink, "views": KindView,
	"databases": KindDatabase, "schemas": KindSchema,
}

// createKinds reads the object kind of SHOW CREATE, DROP and ALTER, returning the index after it.
func (s *stmtText) objectKindAt(i int) (ObjectKind, int, bool) {
	switch s.word(i) {
	case "table":
		return KindTable, i + 1, true
	case "source":
		return KindSource, i + 1, true
	case "sink":
		return KindSink, i + 1, true
	case "view":
		return KindView, i + 1, true
	case "index":
		return KindIndex, i + 1, true
	case "schema":
		return KindSchema, i + 1, true
	case "database":
		return KindDatabase, i + 1, true
	case "function":
		return KindFunction, i + 1, true
	case "materialized":
		if s.word(i+1) == "view" {
			return KindMaterializedView, i + 2, true
		}
	}
	return 0, i, false
}

func (s *stmtText) show() (Statement, error) {
	w := s.word(1)
	if w == "create" {
		kind, i, ok := s.objectKindAt(2)
		if !ok || kind == KindSchema || kind == KindDatabase || kind == KindFunction {
			return nil, s.syntaxErrAt(2)
		}
		name, i, err := s.objectName(i)
		if err != nil {
			return nil, err
		}
		return &ShowCreate{Kind: kind, Name: name}, s.end(i)
	}
	out := &ShowObjects{}
	i := 2
	switch {
	case w == "materialized" && s.word(2) == "views":
		out.Kind, i = KindMaterializedView, 3
	case w == "columns":
		out.Kind = KindColumn
		if s.word(2) != "from" {
			return nil, s.syntaxErrAt(2)
		}
		name, j, err := s.objectName(3)
		if err != nil {
			return nil, err
		}
		out.From, i = &name, j
		if s.word(i) == "from" && name.Schema == "" {
			sc, ok := s.ident(i + 1)
			if !ok {
				return nil, s.syntaxErrAt(i + 1)
			}
			out.From.Schema, i = sc, i+2
		}
	default:
		k, ok := showKinds[w]
		if !ok {
			return nil, nil // SHOW setting: pg_query's
		}
		out.Kind = k
		if s.word(i) == "from" && (k == KindTable || k == KindSource || k == KindSink || k == KindView) {
			sc, ok := s.ident(i + 1)
			if !ok {
				return nil, s.syntaxErrAt(i + 1)
			}
			out.From, i = &ObjectName{Name: sc}, i+2
		}
	}
	if s.word(i) == "like" {
		pat, ok := s.stringValue(i + 1)
		if !ok {
			return nil, s.syntaxErrAt(i + 1)
		}
		out.Like, i = pat, i+2
	}
	return out, s.end(i)
}

// dropNames reads [IF EXISTS] name, ... [CASCADE|RESTRICT] from token i.
func (s *stmtText) dropNames(kind ObjectKind, i int) (Statement, error) {
	out := &Drop{Kind: kind}
	if s.is(i, "if", "exists") {
		out.IfExists, i = true, i+2
	}
	for {
		name, j, err := s.objectName(i)
		if err != nil {
			return nil, err
		}
		out.Names, i = append(out.Names, name), j
		if s.kind(i) != pg_query.Token_ASCII_44 {
			break
		}
		i++
	}
	switch s.word(i) {
	case "cascade":
		out.Cascade, i = true, i+1
	case "restrict":
		i++
	}
	return out, s.end(i)
}

// alter keeps ALTER statements as text with their target, plus the two forms Runnel acts on:
// RENAME TO and SET key = value (RisingWave's SET PARALLELISM, SET SCHEMA...).
func (s *stmtText) alter() (Statement, error) {
	kind, i, ok := s.objectKindAt(1)
	if !ok {
		return nil, nil // ALTER SYSTEM, ALTER USER...: pg_query's, and unsupported there
	}
	if s.is(i, "if", "exists") {
		i += 2
	}
	name, i, err := s.objectName(i)
	if err != nil {
		return nil, err
	}
	out := &Alter{Kind: kind, Name: name, Text: s.sql}
	switch {
	case s.is(i, "rename", "to"):
		to, ok := s.ident(i + 2)
		if !ok {
			return nil, s.syntaxErrAt(i + 2)
		}
		out.RenameTo = to
		return out, s.end(i + 3)
	case s.word(i) == "set":
		key, ok := s.ident(i + 1)
		if !ok {
			return nil, s.syntaxErrAt(i + 1)
		}
		j := i + 2
		if s.kind(j) == pg_query.Token_ASCII_61 || s.word(j) == "to" {
			j++
		}
		v, ok := s.optionValue(j)
		if !ok {
			return nil, s.syntaxErrAt(j)
		}
		out.Set = []Option{{Key: key, Value: v}}
		j = s.afterValue(j)
		if j < len(s.toks) {
			return nil, s.errAt(j, pgerr.FeatureNotSupported, "ALTER ... SET with more than one setting is not supported")
		}
	}
	return out, nil
}
