// Package sql turns SQL text into Runnel's own AST. PostgreSQL's grammar (pg_query) parses the standard
// part; RisingWave's DDL clauses are cut out with pg_query's scanner first (see DESIGN.md, Parser). No
// other package imports pg_query: they all see the types in this file.
package sql

import "github.com/runnel-db/runnel/types"

// Statement is one parsed SQL statement.
type Statement interface{ stmt() }

// Expr is a scalar expression as written, before name resolution and typing.
type Expr interface{ expr() }

// TableExpr is an item of a FROM clause.
type TableExpr interface{ tableExpr() }

// QueryBody is the body of a query: *Select, *SetOp, *Values, or a parenthesised *Query.
type QueryBody interface{ queryBody() }

// ObjectName is a possibly schema-qualified name, already case-folded as PostgreSQL folds it.
type ObjectName struct {
	Schema string // "" when unqualified
	Name   string
}

func (n ObjectName) String() string {
	if n.Schema != "" {
		return n.Schema + "." + n.Name
	}
	return n.Name
}

// ---------------------------------------------------------------------------------------------------
// Queries

// Query is a complete query expression: WITH, a body, ORDER BY, LIMIT/OFFSET.
type Query struct {
	With    []CTE
	Body    QueryBody
	OrderBy []OrderItem
	Limit   Expr // nil when absent; LIMIT ALL is nil too
	Offset  Expr
}

// CTE is one WITH item.
type CTE struct {
	Name    string
	Columns []string
	Query   *Query
}

// Select is SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... (without ORDER BY/LIMIT, see Query).
type Select struct {
	Distinct   bool
	DistinctOn []Expr
	Items      []SelectItem
	From       []TableExpr // comma-separated items, cross joined
	Where      Expr
	GroupBy    []Expr
	Having     Expr
}

// SelectItem is one output expression. Expr may be *Star for "*" or "t.*".
type SelectItem struct {
	Expr  Expr
	Alias string // "" when none was given
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

const (
	Union SetOpKind = iota
	Intersect
	Except
)

// SetOp is L UNION|INTERSECT|EXCEPT [ALL] R.
type SetOp struct {
	Kind SetOpKind
	All  bool
	L, R QueryBody
}

// Values is a VALUES list.
type Values struct {
	Rows [][]Expr
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Expr       Expr
	Desc       bool
	NullsFirst *bool // nil: PostgreSQL's default (NULLS LAST for ASC, FIRST for DESC)
}

func (*Select) queryBody() {}
func (*SetOp) queryBody()  {}
func (*Values) queryBody() {}
func (*Query) queryBody()  {}

// ---------------------------------------------------------------------------------------------------
// FROM items

// Alias is AS name (col, ...).
type Alias struct {
	Name    string
	Columns []string
}

// TableRef is a named table, source, view or CTE.
type TableRef struct {
	Name  ObjectName
	Alias *Alias
}

// SubqueryRef is a derived table: (query) AS alias.
type SubqueryRef struct {
	Query   *Query
	Alias   *Alias
	Lateral bool
}

// FuncTable is a function in FROM: TUMBLE(t, ts, size), HOP(t, ts, slide, size), generate_series(...).
// Arguments are expressions; a table name argument appears as a *ColumnRef.
type FuncTable struct {
	Name  string
	Args  []Expr
	Alias *Alias
}

// JoinKind is the kind of a join.
type JoinKind uint8

const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
)

// Join is L [kind] JOIN R ON cond | USING (cols), or NATURAL.
type Join struct {
	Kind    JoinKind
	L, R    TableExpr
	On      Expr
	Using   []string
	Natural bool
	Alias   *Alias // (a JOIN b) AS x
}

func (*TableRef) tableExpr()    {}
func (*SubqueryRef) tableExpr() {}
func (*FuncTable) tableExpr()   {}
func (*Join) tableExpr()        {}

// ---------------------------------------------------------------------------------------------------
// Expressions

// ColumnRef is a possibly qualified column name: a, t.a, s.t.a.
type ColumnRef struct {
	Parts []string
}

// Star is * or t.* in a select list.
type Star struct {
	Table string // "" for bare *
}

// LiteralKind tells how a literal was written.
type LiteralKind uint8

const (
	NullLit   LiteralKind = iota
	BoolLit               // TRUE / FALSE
	IntLit                // digits only; binder picks int4, int8 or numeric by magnitude
	NumberLit             // with a decimal point or exponent: numeric in PostgreSQL
	StringLit             // 'text', E'text', $$text$$: type unknown until resolved
	BitLit                // B'0101' / X'ff' (rare)
)

// Literal is a constant as written. Val holds the text (digits, or the unescaped string).
type Literal struct {
	Kind LiteralKind
	Val  string
	Bool bool
}

// Param is a $n placeholder (1-based).
type Param struct {
	N int
}

// BinaryExpr is L op R. Op is the operator as written, upper case for keywords:
// + - * / % ^ = <> < > <= >= || AND OR LIKE ILIKE NOT LIKE NOT ILIKE ~ ~* !~ !~* -> ->> #> #>> @> <@ ?
// IS DISTINCT FROM, IS NOT DISTINCT FROM. "!=" is normalised to "<>".
type BinaryExpr struct {
	Op   string
	L, R Expr
	// Escape is the ESCAPE character of a LIKE, when given.
	Escape Expr
}

// UnaryExpr is op X: "-", "+", "NOT", "~" (bitwise not), "@" (abs).
type UnaryExpr struct {
	Op string
	X  Expr
}

// FuncCall is name(args). Name is lower case without a pg_catalog. prefix; Schema keeps any other.
// Aggregates and window functions are FuncCalls too; the binder tells them apart by name.
type FuncCall struct {
	Schema   string
	Name     string
	Args     []Expr
	Star     bool // count(*)
	Distinct bool
	OrderBy  []OrderItem // string_agg(x, ',' ORDER BY y)
	Filter   Expr        // agg(...) FILTER (WHERE ...)
	Over     *WindowSpec
}

// WindowSpec is OVER (PARTITION BY ... ORDER BY ... frame).
type WindowSpec struct {
	Name        string // OVER w
	PartitionBy []Expr
	OrderBy     []OrderItem
	Frame       string // frame clause as text when given; "" means the default frame
}

// Cast is CAST(X AS type), X::type, or type 'literal'.
type Cast struct {
	X    Expr
	Type types.Type
	// TypeName is the name as written ("varchar(10)", "regclass"), for messages.
	TypeName string
}

// CaseExpr is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type CaseExpr struct {
	Operand Expr // nil for the searched form
	Whens   []When
	Else    Expr
}

// When is one WHEN cond THEN result.
type When struct {
	Cond, Result Expr
}

// InList is X [NOT] IN (a, b, c).
type InList struct {
	X    Expr
	List []Expr
	Not  bool
}

// Between is X [NOT] BETWEEN [SYMMETRIC] Lo AND Hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
	Symmetric bool
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// IsBool is X IS [NOT] TRUE|FALSE|UNKNOWN.
type IsBool struct {
	X       Expr
	Not     bool
	Value   bool // TRUE or FALSE; ignored when Unknown
	Unknown bool
}

// SubqueryKind says how a subquery is used in an expression.
type SubqueryKind uint8

const (
	ScalarSubquery SubqueryKind = iota // (SELECT ...)
	ExistsSubquery                     // EXISTS (SELECT ...)
	InSubquery                         // X IN (SELECT ...), also X = ANY (SELECT ...)
	AnySubquery                        // X op ANY (SELECT ...)
	AllSubquery                        // X op ALL (SELECT ...)
	ArraySubquery                      // ARRAY(SELECT ...)
)

// Subquery is a query used as an expression. NOT IN is UnaryExpr{"NOT", Subquery{InSubquery}}.
type Subquery struct {
	Kind  SubqueryKind
	Query *Query
	X     Expr   // left operand of IN/ANY/ALL
	Op    string // operator of ANY/ALL ("=" for IN)
}

// ArrayExpr is ARRAY[a, b, c] (or '{...}' after a cast, which is a Cast of a string literal).
type ArrayExpr struct {
	Elems []Expr
}

// Subscript is X[i].
type Subscript struct {
	X     Expr
	Index Expr
}

// AnyExpr is X op ANY|ALL (array expression), e.g. x = ANY(ARRAY[1,2]) or relkind = ANY('{r,p}').
type AnyExpr struct {
	X     Expr
	Op    string
	All   bool
	Array Expr
}

// Collate is X COLLATE name; Runnel compares bytes, so the binder keeps X and ignores the collation.
type Collate struct {
	X    Expr
	Name string
}

// Row is ROW(a, b) or (a, b).
type RowExpr struct {
	Elems []Expr
}

// DefaultExpr is DEFAULT in an INSERT VALUES list or UPDATE SET.
type DefaultExpr struct{}

// FieldSelect is (X).field: a field of a composite value.
type FieldSelect struct {
	X     Expr
	Field string
}

func (*ColumnRef) expr()   {}
func (*Star) expr()        {}
func (*Literal) expr()     {}
func (*Param) expr()       {}
func (*BinaryExpr) expr()  {}
func (*UnaryExpr) expr()   {}
func (*FuncCall) expr()    {}
func (*Cast) expr()        {}
func (*CaseExpr) expr()    {}
func (*InList) expr()      {}
func (*Between) expr()     {}
func (*IsNull) expr()      {}
func (*IsBool) expr()      {}
func (*Subquery) expr()    {}
func (*ArrayExpr) expr()   {}
func (*Subscript) expr()   {}
func (*AnyExpr) expr()     {}
func (*Collate) expr()     {}
func (*RowExpr) expr()     {}
func (*DefaultExpr) expr() {}
func (*FieldSelect) expr() {}

// ---------------------------------------------------------------------------------------------------
// Statements

// SelectStmt is a query run for its rows.
type SelectStmt struct {
	Query *Query
}

// ColumnDef is one column of CREATE TABLE / CREATE SOURCE.
type ColumnDef struct {
	Name       string
	Type       types.Type
	TypeName   string // as written, for messages
	NotNull    bool
	PrimaryKey bool // column-level PRIMARY KEY
	Default    Expr
	Generated  Expr // col type AS expr (RisingWave generated column)
}

// Option is one WITH (key = 'value') entry; keys keep their dots (properties.bootstrap.server).
type Option struct {
	Key   string
	Value string
}

// Format is FORMAT x ENCODE y [(options)].
type Format struct {
	Format  string // PLAIN, UPSERT, DEBEZIUM... upper case
	Encode  string // JSON, AVRO... upper case
	Options []Option
}

// Watermark is WATERMARK FOR col AS expr.
type Watermark struct {
	Column string
	Expr   Expr
}

// IncludeColumn is INCLUDE key|partition|offset|timestamp|header [AS name].
type IncludeColumn struct {
	What  string // lower case
	Alias string
}

// CreateTable is CREATE TABLE, with or without a connector; also CREATE TABLE ... AS query.
type CreateTable struct {
	Name        ObjectName
	IfNotExists bool
	Columns     []ColumnDef
	PrimaryKey  []string // table-level PRIMARY KEY (...), merged with column-level ones by the parser
	AppendOnly  bool
	With        []Option
	Format      *Format
	Watermarks  []Watermark
	Include     []IncludeColumn
	AsQuery     *Query
}

// CreateSource is CREATE SOURCE: like a table with a connector, but not stored.
type CreateSource struct {
	Name        ObjectName
	IfNotExists bool
	Columns     []ColumnDef
	PrimaryKey  []string
	With        []Option
	Format      *Format
	Watermarks  []Watermark
	Include     []IncludeColumn
}

// CreateMaterializedView is CREATE MATERIALIZED VIEW name [(cols)] AS query.
type CreateMaterializedView struct {
	Name              ObjectName
	IfNotExists       bool
	Columns           []string
	Query             *Query
	EmitOnWindowClose bool
	With              []Option
}

// CreateView is CREATE [OR REPLACE] VIEW name [(cols)] AS query: a named query, expanded where used.
type CreateView struct {
	Name        ObjectName
	IfNotExists bool
	OrReplace   bool
	Columns     []string
	Query       *Query
}

// CreateSink is CREATE SINK name FROM relation | AS query WITH (...) [FORMAT ... ENCODE ...].
type CreateSink struct {
	Name        ObjectName
	IfNotExists bool
	From        *ObjectName
	Query       *Query
	With        []Option
	Format      *Format
}

// CreateIndex is CREATE INDEX; accepted for compatibility.
type CreateIndex struct {
	Name        string
	Table       ObjectName
	Columns     []string
	IfNotExists bool
}

// ObjectKind names a kind of catalog object in DROP, SHOW and friends.
type ObjectKind uint8

const (
	KindTable ObjectKind = iota
	KindSource
	KindMaterializedView
	KindView
	KindSink
	KindIndex
	KindSchema
	KindDatabase
	KindColumn
	KindFunction
)

func (k ObjectKind) String() string {
	return [...]string{"table", "source", "materialized view", "view", "sink", "index", "schema", "database", "column", "function"}[k]
}

// Drop is DROP kind [IF EXISTS] names [CASCADE|RESTRICT].
type Drop struct {
	Kind     ObjectKind
	Names    []ObjectName
	IfExists bool
	Cascade  bool
}

// Insert is INSERT INTO t [(cols)] VALUES ... | query [RETURNING ...].
type Insert struct {
	Table     ObjectName
	Alias     string
	Columns   []string
	Query     *Query // a *Values body for INSERT ... VALUES; nil for DEFAULT VALUES
	Returning []SelectItem
}

// SetClause is one col = expr of an UPDATE.
type SetClause struct {
	Column string
	Value  Expr
}

// Update is UPDATE t SET ... [FROM ...] [WHERE ...] [RETURNING ...].
type Update struct {
	Table     ObjectName
	Alias     string
	Set       []SetClause
	From      []TableExpr
	Where     Expr
	Returning []SelectItem
}

// Delete is DELETE FROM t [WHERE ...] [RETURNING ...].
type Delete struct {
	Table     ObjectName
	Alias     string
	Where     Expr
	Returning []SelectItem
}

// SetVar is SET [SESSION|LOCAL] name = value[, ...] | TO DEFAULT, and SET TIME ZONE.
type SetVar struct {
	Name    string   // lower case; "timezone" for SET TIME ZONE
	Values  []string // each value as text (identifiers and literals alike)
	Default bool
	Local   bool
}

// ShowVar is SHOW name | SHOW ALL.
type ShowVar struct {
	Name string // lower case; "all" for SHOW ALL
}

// ResetVar is RESET name | RESET ALL.
type ResetVar struct {
	Name string // "all" for RESET ALL
}

// ShowObjects is SHOW TABLES | SOURCES | MATERIALIZED VIEWS | VIEWS | SINKS | DATABASES | SCHEMAS
// [FROM schema], and SHOW COLUMNS FROM t.
type ShowObjects struct {
	Kind ObjectKind
	From *ObjectName
	Like string // SHOW TABLES LIKE 'pat'
}

// ShowCreate is SHOW CREATE TABLE|SOURCE|MATERIALIZED VIEW|VIEW|SINK name.
type ShowCreate struct {
	Kind ObjectKind
	Name ObjectName
}

// Describe is DESCRIBE name (also DESC name).
type Describe struct {
	Name ObjectName
}

// Flush is FLUSH: wait until every change so far is committed and visible.
type Flush struct{}

// TxnKind is the kind of a transaction statement.
type TxnKind uint8

const (
	TxnBegin TxnKind = iota
	TxnCommit
	TxnRollback
	TxnSavepoint
	TxnRelease
	TxnRollbackTo
)

// Transaction is BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT...
type Transaction struct {
	Kind TxnKind
	Name string // savepoint name
}

// Explain is EXPLAIN [ANALYZE] statement.
type Explain struct {
	Stmt    Statement
	Analyze bool
	Verbose bool
}

// Discard is DISCARD ALL|PLANS|... (sent by connection pools).
type Discard struct {
	What string
}

// Deallocate is DEALLOCATE [PREPARE] name | ALL.
type Deallocate struct {
	Name string // "" for ALL
}

// Prepare is PREPARE name [(types)] AS statement (SQL-level).
type Prepare struct {
	Name  string
	Types []types.Type
	Stmt  Statement
	Text  string // the statement's text
}

// Execute is EXECUTE name [(params)].
type Execute struct {
	Name   string
	Params []Expr
}

// Copy is COPY (query) TO STDOUT / COPY t TO STDOUT [WITH (FORMAT csv, HEADER)].
type Copy struct {
	Table    *ObjectName
	Columns  []string
	Query    *Query
	ToStdout bool
	Options  []Option // lower-case keys: format, header, delimiter, null
}

// DeclareCursor is DECLARE name [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query.
type DeclareCursor struct {
	Name   string
	Query  *Query
	Hold   bool
	Scroll bool // SCROLL was asked for: only forward fetching is supported
	Binary bool
}

// Fetch is FETCH [FORWARD] [n | ALL] [FROM | IN] name, or MOVE with the same arguments.
type Fetch struct {
	Name  string
	Count int64 // rows to fetch; math.MaxInt64 for ALL
	// Backward is set for every direction other than forward (BACKWARD, PRIOR, ABSOLUTE,
	// RELATIVE), which only a scrollable cursor could serve.
	Backward bool
	Move     bool
}

// CloseCursor is CLOSE name, or CLOSE ALL when Name is "".
type CloseCursor struct {
	Name string
}

// AlterSystem covers ALTER ... statements Runnel accepts; Text is the statement for messages.
type Alter struct {
	Kind ObjectKind
	Name ObjectName
	// Set holds ALTER ... SET key = value pairs (SET PARALLELISM, SET SCHEMA...).
	Set []Option
	// RenameTo is the new name of ALTER ... RENAME TO.
	RenameTo string
	Text     string
}

// CreateSchema is CREATE SCHEMA [IF NOT EXISTS] name.
type CreateSchema struct {
	Name        string
	IfNotExists bool
}

// Comment is COMMENT ON kind name IS 'text'.
type Comment struct {
	Kind   ObjectKind
	Name   ObjectName
	Column string
	Text   *string // nil for IS NULL
}

func (*SelectStmt) stmt()             {}
func (*CreateTable) stmt()            {}
func (*CreateSource) stmt()           {}
func (*CreateMaterializedView) stmt() {}
func (*CreateView) stmt()             {}
func (*CreateSink) stmt()             {}
func (*CreateIndex) stmt()            {}
func (*CreateSchema) stmt()           {}
func (*Drop) stmt()                   {}
func (*Insert) stmt()                 {}
func (*Update) stmt()                 {}
func (*Delete) stmt()                 {}
func (*SetVar) stmt()                 {}
func (*ShowVar) stmt()                {}
func (*ResetVar) stmt()               {}
func (*ShowObjects) stmt()            {}
func (*ShowCreate) stmt()             {}
func (*Describe) stmt()               {}
func (*Flush) stmt()                  {}
func (*Transaction) stmt()            {}
func (*Explain) stmt()                {}
func (*Discard) stmt()                {}
func (*Deallocate) stmt()             {}
func (*Prepare) stmt()                {}
func (*Execute) stmt()                {}
func (*Copy) stmt()                   {}
func (*DeclareCursor) stmt()          {}
func (*Fetch) stmt()                  {}
func (*CloseCursor) stmt()            {}
func (*Alter) stmt()                  {}
func (*Comment) stmt()                {}
