package engine

import (
	"bytes"
	"context"
	"strings"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/connector/format"
	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/executor/stream"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// sinkQuery is the query a sink writes: its AS query, or every column of its FROM relation.
func sinkQuery(cs *sql.CreateSink) *sql.Query {
	if cs.Query != nil {
		return cs.Query
	}
	return &sql.Query{Body: &sql.Select{Items: []sql.SelectItem{{Expr: &sql.Star{}}}, From: []sql.TableExpr{&sql.TableRef{Name: *cs.From}}}}
}

func (s *Session) createSink(ctx context.Context, cs *sql.CreateSink, text string) (pgwire.Rows, error) {
	e := s.e
	e.ddl.Lock()
	defer e.ddl.Unlock()
	schema, err := schemaOf(cs.Name)
	if err != nil {
		return nil, err
	}
	if taken, err := s.exists(schema, cs.Name.Name, cs.IfNotExists); taken || err != nil {
		return done("CREATE_SINK"), err
	}
	with := map[string]string{}
	for _, o := range cs.With {
		with[o.Key] = o.Value
	}
	if with["connector"] != "kafka" {
		return nil, pgerr.Unsupported("sink connector %q is not supported (kafka is)", with["connector"])
	}
	if _, err := kafka.ParseSinkOptions(with); err != nil {
		return nil, err
	}
	r := &catalog.Relation{Kind: catalog.Sink, Schema: schema, Name: cs.Name.Name, Definition: text, With: with,
		Format: "PLAIN", Encode: "JSON"}
	if cs.Format != nil {
		r.Format, r.Encode = cs.Format.Format, cs.Format.Encode
		if len(cs.Format.Options) > 0 {
			r.FormatOptions = map[string]string{}
			for _, o := range cs.Format.Options {
				r.FormatOptions[o.Key] = o.Value
			}
		}
	}
	if r.Encode != "JSON" {
		return nil, pgerr.Unsupported("ENCODE %s is not supported for sinks (JSON is)", r.Encode)
	}
	sp, visible, err := planner.PlanStream(&planner.Env{Catalog: e.cat, Ctx: s.exprContext(nil)}, sinkQuery(cs))
	if err != nil {
		return nil, err
	}
	for i, c := range sp.Root.Columns() {
		r.Columns = append(r.Columns, catalog.Column{Name: c.Name, Type: c.Type, Hidden: i >= len(visible)})
	}
	r.DependsOn, r.PK = sp.Deps, sp.Key
	switch r.Format {
	case "PLAIN":
		if !strings.EqualFold(r.FormatOptions["force_append_only"], "true") && !planner.AppendOnly(sp.Root) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "the sink's input has updates and deletes, which FORMAT PLAIN cannot express").
				WithHint("Use FORMAT UPSERT ENCODE JSON with primary_key, or FORMAT PLAIN ENCODE JSON (force_append_only = 'true') to write only inserts.")
		}
	case "UPSERT":
		if with["primary_key"] == "" {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "FORMAT UPSERT sinks need the primary_key option")
		}
	default:
		return nil, pgerr.Unsupported("FORMAT %s is not supported for sinks (PLAIN and UPSERT are)", r.Format)
	}
	if _, err := sinkKeyColumns(r); err != nil {
		return nil, err
	}
	if err := e.launchJob(r, sp, s.parallelism(), func() (stream.Operator, error) { return e.sinkOp(r) }); err != nil {
		return nil, err
	}
	return done("CREATE_SINK"), nil
}

// sinkKeyColumns resolves an upsert sink's primary_key option to column indices.
func sinkKeyColumns(r *catalog.Relation) ([]int, error) {
	if r.Format != "UPSERT" {
		return nil, nil
	}
	var out []int
	for _, name := range strings.Split(r.With["primary_key"], ",") {
		name = strings.TrimSpace(name)
		i := r.ColumnIndex(name)
		if i < 0 || r.Columns[i].Hidden {
			return nil, pgerr.New(pgerr.UndefinedColumn, "primary_key column %q is not a column of the sink", name)
		}
		out = append(out, i)
	}
	return out, nil
}

// sinkOp builds the operator that writes a sink's changes to Kafka.
func (e *Engine) sinkOp(r *catalog.Relation) (stream.Operator, error) {
	opts, err := kafka.ParseSinkOptions(r.With)
	if err != nil {
		return nil, err
	}
	key, err := sinkKeyColumns(r)
	if err != nil {
		return nil, err
	}
	var cols []format.Column
	var visible []int
	for i, c := range r.Columns {
		if !c.Hidden {
			cols = append(cols, format.Column{Name: c.Name, Type: c.Type})
			visible = append(visible, i)
		}
	}
	w := &kafkaSinkWriter{e: e, name: r.Name, opts: opts, enc: format.NewEncoder(cols), visible: visible, key: key,
		upsert: r.Format == "UPSERT"}
	return &stream.SinkOp{W: w, Name: r.Name, Log: e.log, Metrics: metrics.ForView(r.Name)}, nil
}

// kafkaSinkWriter turns changes into Kafka messages: inserts in PLAIN form, or in UPSERT form
// keyed by the primary key with a null value (tombstone) for deletes.
type kafkaSinkWriter struct {
	e       *Engine
	name    string
	opts    *kafka.Options
	w       *kafka.Writer
	enc     *format.Encoder
	visible []int
	key     []int
	upsert  bool
	row     types.Row
	buf     []byte
	// pendingKey is the key of an UpdateDelete awaiting its UpdateInsert: if the key changed, the
	// old key gets a tombstone.
	pendingKey []byte
}

func (k *kafkaSinkWriter) writer() (*kafka.Writer, error) {
	if k.w == nil {
		w, err := kafka.NewWriter(context.Background(), k.opts, k.e.log)
		if err != nil {
			return nil, err
		}
		k.w = w
	}
	return k.w, nil
}

func (k *kafkaSinkWriter) Write(op types.Op, r types.Row) error {
	w, err := k.writer()
	if err != nil {
		return err
	}
	k.row = k.row[:0]
	for _, i := range k.visible {
		k.row = append(k.row, r[i])
	}
	if !k.upsert {
		if op.IsInsert() {
			w.Produce(nil, k.enc.Encode(nil, k.row))
			metrics.SinkRecords.WithLabelValues(k.name).Inc()
		}
		return nil // force_append_only: deletes are not written
	}
	keyIdx := make([]int, len(k.key))
	for j, i := range k.key {
		for vi, v := range k.visible {
			if v == i {
				keyIdx[j] = vi
			}
		}
	}
	key := k.enc.EncodeKey(nil, k.row, keyIdx)
	switch op {
	case types.UpdateDelete:
		k.pendingKey = key
		return nil
	case types.UpdateInsert:
		if k.pendingKey != nil && !bytes.Equal(k.pendingKey, key) {
			w.Produce(k.pendingKey, nil)
		}
		k.pendingKey = nil
		w.Produce(key, k.enc.Encode(nil, k.row))
	case types.Insert:
		w.Produce(key, k.enc.Encode(nil, k.row))
	case types.Delete:
		w.Produce(key, nil)
	}
	metrics.SinkRecords.WithLabelValues(k.name).Inc()
	return nil
}

func (k *kafkaSinkWriter) Flush(ctx context.Context) error {
	if k.pendingKey != nil {
		if w, err := k.writer(); err == nil {
			w.Produce(k.pendingKey, nil)
		}
		k.pendingKey = nil
	}
	if k.w == nil {
		return nil
	}
	return k.w.Flush(ctx)
}

func (k *kafkaSinkWriter) Close() {
	if k.w != nil {
		k.w.Close()
	}
}
