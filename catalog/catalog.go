// Package catalog names the database's objects: tables, sources, materialized views, views, sinks and
// their columns, ids and dependencies. It is persisted in the store's system table in the same batch as
// the epoch that makes a DDL statement take effect, so the catalog and the data never disagree after a
// crash. It also defines the virtual pg_catalog and information_schema relations.
package catalog

import (
	"github.com/runnel-db/runnel/types"
)

// Kind is the kind of a relation.
type Kind uint8

const (
	Table Kind = iota
	Source
	MaterializedView
	View
	Sink
	Index
	// System is a virtual pg_catalog / information_schema relation, computed when read.
	System
)

func (k Kind) String() string {
	return [...]string{"table", "source", "materialized view", "view", "sink", "index", "system table"}[k]
}

// Default schema names.
const (
	PublicSchema = "public"
	PgCatalog    = "pg_catalog"
	InfoSchema   = "information_schema"
	// RowIDColumn is the hidden key column of tables and sources without a primary key.
	RowIDColumn = "_row_id"
	// Database is the one database Runnel serves, as RisingWave's default.
	Database = "dev"
)

// FirstUserID is the first id given to user objects; below it are PostgreSQL's fixed catalog OIDs.
const FirstUserID = 16384

// Column is one column of a relation.
type Column struct {
	Name    string     `json:"name"`
	Type    types.Type `json:"type"`
	NotNull bool       `json:"not_null,omitempty"`
	// Hidden columns (_row_id) are stored and keyed on but not returned by SELECT *.
	Hidden bool `json:"hidden,omitempty"`
	// Default is the DEFAULT expression's SQL text, "" when none.
	Default string `json:"default,omitempty"`
}

// Relation is a named object that has columns: a table, source, materialized view, view or sink.
type Relation struct {
	// ID is the object's OID, and for stored relations also the storage table id of its rows.
	ID      uint32   `json:"id"`
	Kind    Kind     `json:"kind"`
	Schema  string   `json:"schema"`
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	// PK is the stream key: column indices that identify a row. For tables it is the primary key, or
	// the hidden _row_id when none was declared.
	PK []int `json:"pk"`
	// UserPK is true when PK was declared by the user (inserts on an existing key overwrite).
	UserPK bool `json:"user_pk,omitempty"`
	// Definition is the statement that created the object, as the user wrote it; SHOW CREATE prints
	// it and recovery re-plans streaming jobs from it.
	Definition string `json:"definition"`
	// With holds the WITH (...) options (connector, topic...), keys lower case.
	With map[string]string `json:"with,omitempty"`
	// Format and Encode are the FORMAT ... ENCODE ... clause, upper case, "" when absent.
	Format        string            `json:"format,omitempty"`
	Encode        string            `json:"encode,omitempty"`
	FormatOptions map[string]string `json:"format_options,omitempty"`
	AppendOnly    bool              `json:"append_only,omitempty"`
	// DependsOn lists the relations this one reads (views, materialized views, sinks).
	DependsOn []uint32 `json:"depends_on,omitempty"`
	// StateTables lists the storage tables of this object's streaming operators, dropped with it.
	StateTables []uint32 `json:"state_tables,omitempty"`
	// Comment is set by COMMENT ON.
	Comment string `json:"comment,omitempty"`
	// Rows computes a System relation's rows when read; nil for stored relations.
	Rows func(c *Catalog) []types.Row `json:"-"`
}

// VisibleColumns returns the indices of the columns SELECT * returns.
func (r *Relation) VisibleColumns() []int {
	out := make([]int, 0, len(r.Columns))
	for i, c := range r.Columns {
		if !c.Hidden {
			out = append(out, i)
		}
	}
	return out
}

// ColumnIndex returns the index of the named column, or -1.
func (r *Relation) ColumnIndex(name string) int {
	for i, c := range r.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Types returns the column types in order.
func (r *Relation) Types() []types.Type {
	ts := make([]types.Type, len(r.Columns))
	for i, c := range r.Columns {
		ts[i] = c.Type
	}
	return ts
}

// Stored reports whether the relation's rows are kept in storage under its ID (tables and
// materialized views), as opposed to sources and views, which are computed.
func (r *Relation) Stored() bool { return r.Kind == Table || r.Kind == MaterializedView }
