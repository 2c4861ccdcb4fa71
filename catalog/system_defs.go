package catalog

import (
	"regexp"
	"strings"

	"github.com/runnel-db/runnel/types"
)

// Texts that PostgreSQL's pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef and obj_description
// compute from its catalogs. They are here, next to the OIDs they resolve, so that the functions in
// executor/expr only need a catalog to call them.

// IndexDef returns pg_get_indexdef(oid): the CREATE INDEX statement of a primary key index. psql's
// \d prints the part after " USING ", so the form must be PostgreSQL's exactly.
func (c *Catalog) IndexDef(oid uint32) (string, bool) {
	r, ok := c.pkIndexOwner(oid)
	if !ok {
		return "", false
	}
	return "CREATE UNIQUE INDEX " + quoteIdent(pkIndexName(r)) + " ON " + quoteIdent(r.Schema) + "." +
		quoteIdent(r.Name) + " USING btree (" + pkColumnList(r) + ")", true
}

// ConstraintDef returns pg_get_constraintdef(oid) of a primary key constraint: "PRIMARY KEY (id)".
func (c *Catalog) ConstraintDef(oid uint32) (string, bool) {
	if oid < pkConstraintBase || oid-pkConstraintBase >= pkConstraintBase-pkIndexOIDBase {
		return "", false
	}
	r, ok := c.ByID(oid - pkConstraintBase)
	if !ok || !hasPKIndex(r) {
		return "", false
	}
	return "PRIMARY KEY (" + pkColumnList(r) + ")", true
}

// ViewDef returns pg_get_viewdef(oid): the query of a view or materialized view.
func (c *Catalog) ViewDef(oid uint32) (string, bool) {
	r, ok := c.ByID(oid)
	if !ok || (r.Kind != View && r.Kind != MaterializedView) {
		return "", false
	}
	return viewQueryText(r.Definition), true
}

// Description returns obj_description(oid, catalog): the comment of a relation ("pg_class", or any
// catalog when classname is ""), and whether there is one.
func (c *Catalog) Description(oid uint32, classname string) (string, bool) {
	if classname != "" && classname != "pg_class" && classname != "pg_catalog.pg_class" {
		return "", false
	}
	r, ok := c.ByID(oid)
	if !ok || r.Comment == "" {
		return "", false
	}
	return r.Comment, true
}

func (c *Catalog) pkIndexOwner(oid uint32) (*Relation, bool) {
	if oid < pkIndexOIDBase || oid >= pkConstraintBase {
		return nil, false
	}
	r, ok := c.ByID(oid - pkIndexOIDBase)
	if !ok || !hasPKIndex(r) {
		return nil, false
	}
	return r, true
}

func pkColumnList(r *Relation) string {
	names := make([]string, len(r.PK))
	for i, k := range r.PK {
		names[i] = quoteIdent(r.Columns[k].Name)
	}
	return strings.Join(names, ", ")
}

var viewPrefix = regexp.MustCompile(`(?is)^\s*create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+` +
	`(?:if\s+not\s+exists\s+)?(?:"[^"]*"|[^\s(]+)(?:\s*\([^)]*\))?\s+as\s+`)

// viewQueryText cuts the query out of a CREATE [MATERIALIZED] VIEW statement; pg_views.definition
// and pg_get_viewdef show only the query. A definition of another shape is returned whole.
func viewQueryText(def string) string {
	if loc := viewPrefix.FindStringIndex(def); loc != nil {
		def = def[loc[1]:]
	}
	def = strings.TrimSpace(def)
	if !strings.HasSuffix(def, ";") {
		def += ";"
	}
	return def
}

// quoteIdent quotes an identifier when PostgreSQL's quote_ident would: anything but lower-case
// letters, digits and underscores, or a leading digit. (Keywords are not checked.)
func quoteIdent(s string) string {
	plain := s != ""
	for i, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch == '_' || i > 0 && ch >= '0' && ch <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// defaultText is a column default as pg_get_expr(adbin) prints it. PostgreSQL stores a string
// literal default already coerced to the column's type, so it deparses as 'x'::character varying;
// Runnel keeps the text the user wrote, so a bare literal gets that cast back. Anything else
// (numbers, function calls, casts the user wrote) is printed as written.
func defaultText(def string, t types.Type) string {
	if !isStringLiteral(def) || t == types.Unknown {
		return def
	}
	return def + "::" + t.String()
}

// isStringLiteral reports whether s is one '...' literal (quotes inside doubled).
func isStringLiteral(s string) bool {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return false
	}
	body := s[1 : len(s)-1]
	return !strings.Contains(strings.ReplaceAll(body, "''", ""), "'")
}
