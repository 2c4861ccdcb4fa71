package sql

import "strings"

// PostgreSQL 17's keywords that are not "unreserved" (kwlist.h): an identifier spelled like one of
// them must be quoted to read back as a name.
var nonUnreservedKeywords = toSet(`all analyse analyze and any array as asc asymmetric both case cast check collate column
constraint create current_catalog current_date current_role current_time current_timestamp current_user default
deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect
into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references
returning select session_user some symmetric system_user table then to trailing true union unique user using variadic
when where window with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like
natural notnull outer overlaps right similar tablesample verbose
between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int
integer interval json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar
json_serialize json_table json_value least merge_action national nchar none normalize nullif numeric out overlay
position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`)

// plainFuncs are keyword-named functions whose grammar also takes a plain argument list, so they
// read back the same unquoted.
var plainFuncs = toSet(`coalesce greatest least nullif left right substring`)

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// QuoteIdent quotes an identifier when PostgreSQL would not read it back unchanged.
func QuoteIdent(s string) string {
	if s != "" && !nonUnreservedKeywords[s] && isPlainIdent(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// sqlValueFuncs are the functions the grammar spells as bare keywords (SQLValueFunction).
var sqlValueFuncs = toSet(`current_timestamp current_date current_time localtime localtimestamp current_user
session_user current_role current_catalog current_schema`)

func funcName(s string) string {
	if plainFuncs[s] {
		return s
	}
	return QuoteIdent(s)
}

// QuoteString renders s as a standard SQL string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func quoteIdents(parts []string) string {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = QuoteIdent(p)
	}
	return strings.Join(q, ", ")
}

func formatName(n ObjectName) string {
	if n.Schema != "" {
		return QuoteIdent(n.Schema) + "." + QuoteIdent(n.Name)
	}
	return QuoteIdent(n.Name)
}
