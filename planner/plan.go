// Package planner binds parsed statements to the catalog, types their expressions, and produces plans:
// a tree of Nodes that executor/batch runs for ad-hoc queries and executor/stream compiles into
// operators for materialized views. It starts nothing and reads no data.
package planner

import (
	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/types"
)

// Column is one output column of a plan node.
type Column struct {
	Name string
	Type types.Type
	// TableOID and Attr identify a plain table column, for RowDescription; 0 otherwise.
	TableOID uint32
	Attr     int16
}

// Node is a plan operator. Every node's output is a sequence of rows with the columns Columns()
// returns; expressions of a node refer to its input's columns by index (for joins: left columns, then
// right columns).
type Node interface {
	Columns() []Column
	Children() []Node
}

// Scan reads every row of a stored relation (table or materialized view) at the query's snapshot. Its
// columns are all of the relation's columns, hidden ones included, in catalog order.
type Scan struct {
	Rel  *catalog.Relation
	Cols []Column
}

// SystemScan reads a virtual pg_catalog / information_schema relation (Rel.Rows computes the rows).
type SystemScan struct {
	Rel  *catalog.Relation
	Cols []Column
}

// Values produces constant rows (VALUES, SELECT without FROM: one row of no columns).
type Values struct {
	Rows [][]expr.Expr // evaluated over a one-row, zero-column chunk
	Cols []Column
}

// Filter keeps the rows for which Cond is true.
type Filter struct {
	Input Node
	Cond  expr.Expr
}

// Project computes one expression per output column.
type Project struct {
	Input Node
	Exprs []expr.Expr
	Cols  []Column
}

// JoinKind is the kind of a join node.
type JoinKind uint8

const (
	Inner JoinKind = iota
	LeftOuter
	RightOuter
	FullOuter
	// LeftSemi outputs each left row that has at least one match (EXISTS / IN).
	LeftSemi
	// LeftAnti outputs each left row that has no match (NOT EXISTS).
	LeftAnti
	// NullAwareAnti is NOT IN: like LeftAnti, but a left row whose key is NULL, or any right row with a
	// NULL key when the right side is not empty, makes the result unknown, so the row is dropped.
	NullAwareAnti
)

// Join combines two inputs. Equi-join keys are evaluated on each side (LeftKeys over left columns,
// RightKeys over right columns, pairwise equal, NULL never matching); Cond, when not nil, is an extra
// condition over the concatenated row (left columns then right columns). With no keys the join is a
// nested loop. Output columns: left then right, except semi/anti joins, which output left only.
type Join struct {
	Kind      JoinKind
	L, R      Node
	LeftKeys  []expr.Expr
	RightKeys []expr.Expr
	Cond      expr.Expr
	Cols      []Column
}

// AggCall is one aggregate of an Agg node.
type AggCall struct {
	Func *expr.AggFunc
	Args []expr.Expr // over the Agg's input
	// Distinct aggregates see each distinct argument tuple once.
	Distinct bool
	// Filter, when not nil, selects the input rows this aggregate sees.
	Filter expr.Expr
	// OrderBy orders the inputs of order-sensitive aggregates (string_agg, array_agg).
	OrderBy []SortKey // Expr-based keys over the input
}

// Agg groups its input by GroupBy and computes Aggs per group. Output columns: the group keys, then
// the aggregates. With no GroupBy it outputs exactly one row, even for empty input.
type Agg struct {
	Input   Node
	GroupBy []expr.Expr
	Aggs    []AggCall
	Cols    []Column
}

// SortKey is one ordering key. Col is the input column index (Sort); Expr is used instead where noted.
type SortKey struct {
	Col        int
	Expr       expr.Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders its input. Keys refer to input columns by Col.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Limit skips Offset rows and then passes at most Count rows (Count < 0: no limit).
type Limit struct {
	Input  Node
	Count  int64
	Offset int64
}

// Distinct removes duplicate rows (NULLs equal). With On set (DISTINCT ON), it keeps the first row of
// each group of equal On columns, in input order.
type Distinct struct {
	Input Node
	On    []int
}

// SetOpKind is the kind of a SetOp node.
type SetOpKind uint8

const (
	UnionOp SetOpKind = iota
	IntersectOp
	ExceptOp
)

// SetOp is UNION / INTERSECT / EXCEPT [ALL] of inputs with the same column types. UNION may have more
// than two inputs.
type SetOp struct {
	Kind   SetOpKind
	All    bool
	Inputs []Node
	Cols   []Column
}

// EnforceSingleRow passes its input through, failing with 21000 "more than one row returned by a
// subquery used as an expression" on a second row, and producing one all-NULL row when the input is
// empty (a scalar subquery's value is then NULL).
type EnforceSingleRow struct {
	Input Node
}

// Apply runs Sub once per row of Outer (a correlated subquery), with the outer row's values bound to
// the parameter slots Params (expr.NewParam(slot, type) inside Sub reads them: Params[i] receives
// outer column OuterCols[i]). Kind says how the rows combine: Inner/LeftOuter output outer row ++ sub
// rows; LeftSemi/LeftAnti output the outer row when Sub is (not) empty. Used only in batch plans.
type Apply struct {
	Kind      JoinKind
	Outer     Node
	Sub       Node
	OuterCols []int
	Params    []int
	Cols      []Column
}

// Columns implementations.
func (n *Scan) Columns() []Column             { return n.Cols }
func (n *SystemScan) Columns() []Column       { return n.Cols }
func (n *Values) Columns() []Column           { return n.Cols }
func (n *Filter) Columns() []Column           { return n.Input.Columns() }
func (n *Project) Columns() []Column          { return n.Cols }
func (n *Join) Columns() []Column             { return n.Cols }
func (n *Agg) Columns() []Column              { return n.Cols }
func (n *Sort) Columns() []Column             { return n.Input.Columns() }
func (n *Limit) Columns() []Column            { return n.Input.Columns() }
func (n *Distinct) Columns() []Column         { return n.Input.Columns() }
func (n *SetOp) Columns() []Column            { return n.Cols }
func (n *EnforceSingleRow) Columns() []Column { return n.Input.Columns() }
func (n *Apply) Columns() []Column            { return n.Cols }

// Children implementations.
func (n *Scan) Children() []Node             { return nil }
func (n *SystemScan) Children() []Node       { return nil }
func (n *Values) Children() []Node           { return nil }
func (n *Filter) Children() []Node           { return []Node{n.Input} }
func (n *Project) Children() []Node          { return []Node{n.Input} }
func (n *Join) Children() []Node             { return []Node{n.L, n.R} }
func (n *Agg) Children() []Node              { return []Node{n.Input} }
func (n *Sort) Children() []Node             { return []Node{n.Input} }
func (n *Limit) Children() []Node            { return []Node{n.Input} }
func (n *Distinct) Children() []Node         { return []Node{n.Input} }
func (n *SetOp) Children() []Node            { return n.Inputs }
func (n *EnforceSingleRow) Children() []Node { return []Node{n.Input} }
func (n *Apply) Children() []Node            { return []Node{n.Outer, n.Sub} }

// TableFunc produces the rows of a set-returning function in FROM: generate_series(start, stop
// [, step]) and unnest(array). Args are evaluated once per execution over a one-row, zero-column
// chunk (they may read outer columns through parameter slots inside an Apply). Output: one column
// named after the function or its alias, plus, WithOrdinality, a bigint ordinal.
type TableFunc struct {
	Name           string
	Args           []expr.Expr
	WithOrdinality bool
	Cols           []Column
}

func (n *TableFunc) Columns() []Column { return n.Cols }
func (n *TableFunc) Children() []Node  { return nil }

// HopWindow assigns each input row to the time windows containing its TimeCol: TUMBLE (Slide ==
// Size) gives one window per row, HOP several. Output: the input columns, then window_start and
// window_end, of TimeCol's type. Windows are aligned to Offset from the epoch, in UTC, as in
// RisingWave; a NULL time belongs to no window.
type HopWindow struct {
	Input               Node
	TimeCol             int
	Slide, Size, Offset types.IntervalValue
	Cols                []Column
}

func (n *HopWindow) Columns() []Column { return n.Cols }
func (n *HopWindow) Children() []Node  { return []Node{n.Input} }

// RowNumber numbers the rows of each partition in Order: ROW_NUMBER() OVER (PARTITION BY ...
// ORDER BY ...). Output: the input columns, then the bigint row number. In a stream it is only
// supported under a filter that bounds the number (rn <= n), which becomes a group top-N.
type RowNumber struct {
	Input       Node
	PartitionBy []int
	Order       []SortKey
	Cols        []Column
}

func (n *RowNumber) Columns() []Column { return n.Cols }
func (n *RowNumber) Children() []Node  { return []Node{n.Input} }

// ExpandArray is information_schema._pg_expandarray(arr) in a select list: each input row becomes
// one row per element of Arg (none when it is NULL or empty), with the element and its 1-based
// position appended (the composite's fields x and n). Batch only.
type ExpandArray struct {
	Input Node
	Arg   expr.Expr
	Cols  []Column
}

func (n *ExpandArray) Columns() []Column { return n.Cols }
func (n *ExpandArray) Children() []Node  { return []Node{n.Input} }
