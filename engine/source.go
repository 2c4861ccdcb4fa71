package engine

import (
	"context"

	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/connector/format"
	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/connector/nexmark"
	"github.com/runnel-db/runnel/executor/stream"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// connectorSpec is what CREATE SOURCE and CREATE TABLE ... WITH (connector ...) share.
type connectorSpec struct {
	name       sql.ObjectName
	columns    []sql.ColumnDef
	primaryKey []string
	with       []sql.Option
	format     *sql.Format
	include    []sql.IncludeColumn
	watermarks []sql.Watermark
}

// include columns RisingWave names by default.
var includeDefaults = map[string]struct {
	name string
	typ  types.Type
}{
	"key":       {"_rw_kafka_key", types.Bytea},
	"partition": {"_rw_kafka_partition", types.Varchar},
	"offset":    {"_rw_kafka_offset", types.Varchar},
	"timestamp": {"_rw_kafka_timestamp", types.Timestamptz},
}

// connectorRelation validates a connector's options and format and builds the relation's columns:
// the declared ones, then INCLUDE columns, then a hidden _row_id when there is no primary key.
func (s *Session) connectorRelation(kind catalog.Kind, spec connectorSpec, text string) (*catalog.Relation, error) {
	schema, err := schemaOf(spec.name)
	if err != nil {
		return nil, err
	}
	with := map[string]string{}
	for _, o := range spec.with {
		with[o.Key] = o.Value
	}
	switch with["connector"] {
	case "kafka":
		if _, err := kafka.ParseSourceOptions(with); err != nil {
			return nil, err
		}
	case "nexmark":
		o, err := nexmark.ParseOptions(with)
		if err != nil {
			return nil, err
		}
		if spec.format != nil || len(spec.include) > 0 {
			return nil, pgerr.Unsupported("a nexmark source takes no FORMAT ... ENCODE or INCLUDE")
		}
		decl := make([]nexmark.Column, len(spec.columns))
		for i, c := range spec.columns {
			decl[i] = nexmark.Column{Name: c.Name, Type: c.Type}
		}
		if err := nexmark.CheckColumns(o, decl); err != nil {
			return nil, err
		}
		if len(spec.columns) == 0 {
			for _, c := range nexmark.Columns(o) {
				spec.columns = append(spec.columns, sql.ColumnDef{Name: c.Name, Type: c.Type})
			}
		}
		spec.format = &sql.Format{Format: "PLAIN", Encode: "NATIVE"}
	case "":
		return nil, pgerr.New(pgerr.InvalidParameterValue, "missing connector in WITH options")
	default:
		return nil, pgerr.Unsupported("connector %q is not supported (kafka is)", with["connector"])
	}
	if spec.format == nil {
		return nil, pgerr.New(pgerr.SyntaxError, "a kafka connector needs FORMAT ... ENCODE ..., e.g. FORMAT PLAIN ENCODE JSON")
	}
	if spec.format.Encode != "JSON" && with["connector"] != "nexmark" {
		return nil, pgerr.Unsupported("ENCODE %s is not supported (JSON is)", spec.format.Encode)
	}
	switch spec.format.Format {
	case "PLAIN":
	case "UPSERT":
		if kind != catalog.Table {
			return nil, pgerr.Unsupported("FORMAT UPSERT needs a table: use CREATE TABLE ... WITH (...) FORMAT UPSERT ENCODE JSON")
		}
		if len(spec.primaryKey) == 0 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "FORMAT UPSERT needs a PRIMARY KEY: the message key")
		}
	default:
		return nil, pgerr.Unsupported("FORMAT %s is not supported (PLAIN and UPSERT are)", spec.format.Format)
	}
	if len(spec.watermarks) > 0 {
		s.client.Notice("NOTICE", pgerr.FeatureNotSupported, "WATERMARK is accepted but not used yet: state is not cleaned up by event time")
	}
	r := &catalog.Relation{Kind: kind, Schema: schema, Name: spec.name.Name, Definition: text, With: with,
		Format: spec.format.Format, Encode: spec.format.Encode}
	if len(spec.format.Options) > 0 {
		r.FormatOptions = map[string]string{}
		for _, o := range spec.format.Options {
			r.FormatOptions[o.Key] = o.Value
		}
	}
	for _, c := range spec.columns {
		if r.ColumnIndex(c.Name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", c.Name)
		}
		if c.Default != nil || c.Generated != nil {
			return nil, pgerr.Unsupported("DEFAULT and generated columns are not supported on connector columns")
		}
		r.Columns = append(r.Columns, catalog.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull})
	}
	for _, inc := range spec.include {
		d, ok := includeDefaults[inc.What]
		if !ok {
			return nil, pgerr.Unsupported("INCLUDE %s is not supported (key, partition, offset and timestamp are)", inc.What)
		}
		name := d.name
		if inc.Alias != "" {
			name = inc.Alias
		}
		if r.ColumnIndex(name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", name)
		}
		r.Columns = append(r.Columns, catalog.Column{Name: name, Type: d.typ})
	}
	for _, name := range spec.primaryKey {
		i := r.ColumnIndex(name)
		if i < 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q named in key does not exist", name)
		}
		r.PK = append(r.PK, i)
		r.Columns[i].NotNull = true
	}
	r.UserPK = len(r.PK) > 0
	if !r.UserPK {
		r.Columns = append(r.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.Int64, Hidden: true})
		r.PK = []int{len(r.Columns) - 1}
	}
	return r, nil
}

func (s *Session) createSource(ctx context.Context, cs *sql.CreateSource, text string) (pgwire.Rows, error) {
	e := s.e
	e.ddl.Lock()
	defer e.ddl.Unlock()
	schema, err := schemaOf(cs.Name)
	if err != nil {
		return nil, err
	}
	if taken, err := s.exists(schema, cs.Name.Name, cs.IfNotExists); taken || err != nil {
		return done("CREATE_SOURCE"), err
	}
	r, err := s.connectorRelation(catalog.Source, connectorSpec{name: cs.Name, columns: cs.Columns, primaryKey: cs.PrimaryKey,
		with: cs.With, format: cs.Format, include: cs.Include, watermarks: cs.Watermarks}, text)
	if err != nil {
		return nil, err
	}
	// A source is only a definition: each view that reads it runs a reader of its own.
	if err := s.create(r); err != nil {
		return nil, err
	}
	return done("CREATE_SOURCE"), nil
}

// createConnectorTable creates a table fed by a connector: a reader job writes into it.
func (s *Session) createConnectorTable(ctx context.Context, ct *sql.CreateTable, text string) (pgwire.Rows, error) {
	e := s.e
	e.ddl.Lock()
	defer e.ddl.Unlock()
	schema, err := schemaOf(ct.Name)
	if err != nil {
		return nil, err
	}
	if taken, err := s.exists(schema, ct.Name.Name, ct.IfNotExists); taken || err != nil {
		return done("CREATE TABLE"), err
	}
	if ct.AsQuery != nil {
		return nil, pgerr.Unsupported("CREATE TABLE ... AS with a connector is not supported")
	}
	r, err := s.connectorRelation(catalog.Table, connectorSpec{name: ct.Name, columns: ct.Columns, primaryKey: ct.PrimaryKey,
		with: ct.With, format: ct.Format, include: ct.Include, watermarks: ct.Watermarks}, text)
	if err != nil {
		return nil, err
	}
	r.AppendOnly = ct.AppendOnly
	if err := s.create(r); err != nil {
		return nil, err
	}
	e.startConnectorTable(r)
	return done("CREATE TABLE"), nil
}

// readerKey names a reader's offsets: the job's id and which of its source scans it serves.
func readerKey(job uint32, n int) string { return fmt.Sprintf("%d-%d", job, n) }

// deleteReaderOffsets removes the offsets of every reader of a job.
func deleteReaderOffsets(b *storage.Batch, job uint32) {
	prefix := storage.SystemKey("source", fmt.Sprintf("%d-", job))
	b.DeleteRange(storage.SystemTable, prefix, storage.PrefixEnd(prefix))
}

// startConnectorTable starts a connector table's job: a reader feeding the table's Materialize.
// Barriers reach the Materialize through the reader, carrying its offsets.
func (e *Engine) startConnectorTable(r *catalog.Relation) {
	ch := make(chan stream.Message, stream.ChannelSize)
	ticks := make(chan stream.Message, stream.ChannelSize)
	vm := metrics.ForView(r.Name)
	reader := &stream.SourceReader{JobID: r.ID, Name: r.Name, OffsetsKey: readerKey(r.ID, 0), Store: e.store,
		Open: e.opener(r), Barriers: ticks, Out: ch, Log: e.log, Metrics: vm}
	out := stream.NewFanout(r.ID, len(r.Columns), e.takeSubscribers(r.ID)...)
	m := &stream.Materialize{
		JobID: r.ID, Table: storage.TableID(r.ID), Types: r.Types(), PK: r.PK, In: ch, Out: out,
		Coord: e.coord, Store: e.store, Log: e.log, CacheBytes: e.tableCacheBytes(),
		Metrics: vm, FromSource: true,
	}
	e.mu.Lock()
	e.views[r.ID] = &view{} // dropped like a view: a stop barrier ends the reader and the writer
	e.mu.Unlock()
	e.coord.AddJob(&stream.Job{ID: r.ID, Sources: []chan<- stream.Message{ticks}, Writers: 1})
	go reader.Run()
	go m.Run()
}

// opener returns how a reader opens relation r's connector.
func (e *Engine) opener(r *catalog.Relation) func(ctx context.Context, next map[int32]int64) (stream.Fetcher, error) {
	if r.With["connector"] == "nexmark" {
		return func(ctx context.Context, next map[int32]int64) (stream.Fetcher, error) {
			o, err := nexmark.ParseOptions(r.With)
			if err != nil {
				return nil, err
			}
			rd := nexmark.NewReader(o, next, r.ColumnIndex(catalog.RowIDColumn) >= 0)
			return &nexmarkFetcher{rd: rd, width: len(r.Columns), max: o.MaxChunkSize, name: r.Name,
				splits: map[int32]*metrics.SourcePartition{}}, nil
		}
	}
	return func(ctx context.Context, next map[int32]int64) (stream.Fetcher, error) {
		opts, err := kafka.ParseSourceOptions(r.With)
		if err != nil {
			return nil, err
		}
		rowIDs := next[stream.RowIDSplit]
		delete(next, stream.RowIDSplit)
		rd, err := kafka.NewReader(ctx, opts, next, e.log)
		if err != nil {
			return nil, err
		}
		f := newKafkaFetcher(e, r, rd)
		f.nextRowID = rowIDs
		return f, nil
	}
}

// kafkaFetcher decodes a Kafka reader's records into a relation's rows.
type kafkaFetcher struct {
	e       *Engine
	r       *catalog.Relation
	rd      *kafka.Reader
	dec     *format.Decoder
	keyDec  *format.Decoder // UPSERT: decodes the message key into the key columns
	ncols   int             // declared columns, which the payload fills
	include map[int]string  // column index -> what it includes
	rowID   int             // hidden _row_id column, or -1
	// nextRowID numbers the rows of a source without a key. The ids rise with every record, so a
	// view over the source writes its rows in key order, which Pebble sorts, flushes and compacts
	// far more cheaply than hashed ids (q0 through Kafka: 665k -> 940k events/s).
	nextRowID int64
	upsert    bool
	row       types.Row
	vals      types.Row
	keyRow    types.Row
	// parts holds each partition's counters, resolved once; untrack ends the lag's reporting.
	parts   map[int32]*metrics.SourcePartition
	untrack func()
	// badIsNew says whether the record decode just refused was new to rw_source_errors (another
	// view's reader of the same source may have met it first).
	badIsNew bool
}

func newKafkaFetcher(e *Engine, r *catalog.Relation, rd *kafka.Reader) *kafkaFetcher {
	f := &kafkaFetcher{e: e, r: r, rd: rd, include: map[int]string{}, rowID: -1, upsert: r.Format == "UPSERT",
		parts: map[int32]*metrics.SourcePartition{}, untrack: metrics.TrackLag(r.Name, rd.Lag)}
	var cols []format.Column
	def, err := sql.ParseOne(r.Definition)
	declared := map[string]bool{}
	if err == nil {
		switch st := def.Stmt.(type) {
		case *sql.CreateSource:
			for _, c := range st.Columns {
				declared[c.Name] = true
			}
			for _, inc := range st.Include {
				f.noteInclude(r, inc)
			}
		case *sql.CreateTable:
			for _, c := range st.Columns {
				declared[c.Name] = true
			}
			for _, inc := range st.Include {
				f.noteInclude(r, inc)
			}
		}
	}
	for i, c := range r.Columns {
		switch {
		case c.Hidden && c.Name == catalog.RowIDColumn:
			f.rowID = i
		case declared[c.Name]:
			cols = append(cols, format.Column{Name: c.Name, Type: c.Type})
		}
	}
	f.ncols = len(cols)
	f.dec = format.NewDecoder(cols)
	if f.upsert {
		var keyCols []format.Column
		for _, k := range r.PK {
			keyCols = append(keyCols, format.Column{Name: r.Columns[k].Name, Type: r.Columns[k].Type})
		}
		f.keyDec = format.NewDecoder(keyCols)
	}
	return f
}

func (f *kafkaFetcher) noteInclude(r *catalog.Relation, inc sql.IncludeColumn) {
	name := includeDefaults[inc.What].name
	if inc.Alias != "" {
		name = inc.Alias
	}
	if i := r.ColumnIndex(name); i >= 0 {
		f.include[i] = inc.What
	}
}

func (f *kafkaFetcher) Close() {
	f.untrack()
	f.rd.Close()
}

// count adds a run of records of one partition to its counters: records come grouped by
// partition, so this runs once per partition per fetch, not per record.
func (f *kafkaFetcher) count(p int32, recs, bytes, bad int) {
	if recs == 0 {
		return
	}
	m := f.parts[p]
	if m == nil {
		m = metrics.ForSourcePartition(f.r.Name, p)
		f.parts[p] = m
	}
	m.Records.Add(float64(recs))
	m.Bytes.Add(float64(bytes))
	if bad > 0 {
		m.Errors.Add(float64(bad))
	}
}

func (f *kafkaFetcher) Fetch(ctx context.Context) (stream.SourceBatch, error) {
	recs, err := f.rd.Fetch(ctx)
	if err != nil {
		return stream.SourceBatch{}, err
	}
	width := len(f.r.Columns)
	c := types.NewChunk(width, len(recs))
	next := map[int32]int64{}
	var newest int64
	part, n, size, bad := int32(-1), 0, 0, 0 // the current run of one partition's records
	for i := range recs {
		rec := &recs[i]
		if rec.Partition != part {
			f.count(part, n, size, bad)
			part, n, size, bad = rec.Partition, 0, 0, 0
		}
		n++
		size += len(rec.Key) + len(rec.Value)
		newest = max(newest, rec.Timestamp)
		next[rec.Partition] = rec.Offset + 1
		op, ok := f.decode(rec)
		if !ok {
			if f.badIsNew {
				bad++
			}
			continue
		}
		c.Append(op, f.row)
	}
	f.count(part, n, size, bad)
	if f.rowID >= 0 {
		next[stream.RowIDSplit] = f.nextRowID
	}
	return stream.SourceBatch{Chunk: c, Next: next, EventTime: newest * int64(time.Millisecond)}, nil
}

// decode turns one record into the row in f.row and its op; false skips the record.
func (f *kafkaFetcher) decode(rec *kafka.Record) (types.Op, bool) {
	width := len(f.r.Columns)
	if cap(f.row) < width {
		f.row = make(types.Row, width)
	}
	f.row = f.row[:width]
	for i := range f.row {
		f.row[i] = types.NullDatum
	}
	op := types.Insert
	if f.upsert && rec.Value == nil {
		// A tombstone deletes the row with the message key's primary key.
		var err error
		if f.keyRow, err = f.keyDec.Decode(rec.Key, f.keyRow); err != nil {
			f.badIsNew = f.e.sourceError(f.r.Name, rec, fmt.Errorf("message key: %w", err))
			return 0, false
		}
		for j, k := range f.r.PK {
			f.row[k] = f.keyRow[j]
		}
		return types.Delete, true
	}
	vals, err := f.dec.Decode(rec.Value, f.vals)
	if err != nil {
		f.badIsNew = f.e.sourceError(f.r.Name, rec, err)
		return 0, false
	}
	f.vals = vals
	// The declared columns come first in the relation, in the decoder's order.
	copy(f.row[:f.ncols], vals)
	for i, what := range f.include {
		switch what {
		case "key":
			if rec.Key != nil {
				f.row[i] = types.NewBytea(rec.Key)
			}
		case "partition":
			f.row[i] = types.NewVarchar(fmt.Sprint(rec.Partition))
		case "offset":
			f.row[i] = types.NewVarchar(fmt.Sprint(rec.Offset))
		case "timestamp":
			f.row[i] = types.NewTimestamptz(rec.Timestamp * 1000)
		}
	}
	if f.rowID >= 0 {
		f.row[f.rowID] = types.NewInt64(f.nextRowID)
		f.nextRowID++
	}
	for _, k := range f.r.PK {
		if f.row[k].IsNull() {
			f.badIsNew = f.e.sourceError(f.r.Name, rec, fmt.Errorf("primary key column %q is null", f.r.Columns[k].Name))
			return 0, false
		}
	}
	return op, true
}

// sourceErrors keeps the latest bad records, for the rw_source_errors relation, and rate-limits
// their log lines. Every view over a source reads it with a reader of its own, so the same bad
// record is met once per view: seen makes it count once.
type sourceErrors struct {
	mu      sync.Mutex
	rows    []types.Row
	next    int
	seen    map[string]bool // source/partition/offset of the kept rows
	logged  time.Time
	skipped int
}

const maxSourceErrors = 1000

func errorKey(source string, partition int32, offset int64) string {
	return fmt.Sprintf("%s/%d/%d", source, partition, offset)
}

// sourceError records a bad record and reports whether it was new (not already kept from another
// reader of the same source).
func (e *Engine) sourceError(source string, rec *kafka.Record, err error) bool {
	se := &e.srcErrs
	key := errorKey(source, rec.Partition, rec.Offset)
	payload := rec.Value
	if len(payload) > 256 {
		payload = payload[:256]
	}
	row := types.Row{types.NewVarchar(source), types.NewInt32(rec.Partition), types.NewInt64(rec.Offset),
		types.NewVarchar(err.Error()), types.NewVarchar(strings.ToValidUTF8(string(payload), "?")),
		types.NewTimestamptz(time.Now().UnixMicro())}
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.seen == nil {
		se.seen = map[string]bool{}
	}
	if se.seen[key] {
		return false
	}
	se.seen[key] = true
	if len(se.rows) < maxSourceErrors {
		se.rows = append(se.rows, row)
	} else {
		old := se.rows[se.next]
		delete(se.seen, errorKey(old[0].Str(), int32(old[1].Int()), old[2].Int()))
		se.rows[se.next] = row
		se.next = (se.next + 1) % maxSourceErrors
	}
	if time.Since(se.logged) < time.Second {
		se.skipped++
		return true
	}
	e.log.Warn("skipped a record that does not decode", "source", source, "partition", rec.Partition, "offset", rec.Offset,
		"err", err, "similar_skipped_since_last_log", se.skipped)
	se.logged, se.skipped = time.Now(), 0
	return true
}

// sourceErrorRows returns the kept bad records, oldest first.
func (e *Engine) sourceErrorRows() []types.Row {
	se := &e.srcErrs
	se.mu.Lock()
	defer se.mu.Unlock()
	out := make([]types.Row, 0, len(se.rows))
	out = append(out, se.rows[se.next:]...)
	return append(out, se.rows[:se.next]...)
}

// nexmarkFetcher reads the Nexmark generator: the benchmark's source.
type nexmarkFetcher struct {
	rd     *nexmark.Reader
	width  int
	max    int
	name   string
	splits map[int32]*metrics.SourcePartition
}

func (f *nexmarkFetcher) Close() {}

func (f *nexmarkFetcher) Fetch(ctx context.Context) (stream.SourceBatch, error) {
	c := types.NewChunk(f.width, f.max)
	next, err := f.rd.Read(ctx, c)
	if err != nil {
		return stream.SourceBatch{}, err
	}
	for split := range next { // Read advances one split at a time
		m := f.splits[split]
		if m == nil {
			m = metrics.ForSourcePartition(f.name, split)
			f.splits[split] = m
		}
		m.Records.Add(float64(c.Len()))
	}
	return stream.SourceBatch{Chunk: c, Next: next}, nil
}
