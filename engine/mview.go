package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/executor/stream"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// view is a running materialized view: its subscription channels, which its inputs stop feeding
// when it is dropped.
type view struct {
	subs []chan<- stream.Message
}

// readyKey marks, in the system table, that a view's backfill was committed.
func readyKey(id uint32) []byte {
	return storage.SystemKey("view", fmt.Sprint(id), "ready")
}

func (s *Session) createMaterializedView(ctx context.Context, cm *sql.CreateMaterializedView, text string) (pgwire.Rows, error) {
	if cm.EmitOnWindowClose {
		return nil, pgerr.Unsupported("EMIT ON WINDOW CLOSE is not supported yet")
	}
	schema, err := schemaOf(cm.Name)
	if err != nil {
		return nil, err
	}
	e := s.e
	e.ddl.Lock()
	defer e.ddl.Unlock()
	if taken, err := s.exists(schema, cm.Name.Name, cm.IfNotExists); taken || err != nil {
		return done("CREATE_MATERIALIZED_VIEW"), err
	}
	sp, visible, err := planner.PlanStream(&planner.Env{Catalog: e.cat, Ctx: s.exprContext(nil)}, cm.Query)
	if err != nil {
		return nil, err
	}
	r := &catalog.Relation{Kind: catalog.MaterializedView, Schema: schema, Name: cm.Name.Name, Definition: text, DependsOn: sp.Deps, PK: sp.Key}
	if len(cm.Columns) > len(visible) {
		return nil, pgerr.New(pgerr.SyntaxError, "too many column names were specified")
	}
	names := map[string]bool{}
	for i, c := range sp.Root.Columns() {
		col := catalog.Column{Name: c.Name, Type: c.Type}
		if col.Type == types.Unknown {
			col.Type = types.Varchar
		}
		if i < len(cm.Columns) {
			col.Name = cm.Columns[i]
		}
		if i >= sp.Visible {
			col.Hidden = true
			for names[col.Name] {
				col.Name = "_" + col.Name
			}
		} else if names[col.Name] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", col.Name).
				WithHint("Give the columns of the materialized view distinct names with AS.")
		}
		names[col.Name] = true
		r.Columns = append(r.Columns, col)
	}
	if err := e.launchJob(r, sp, s.parallelism(), nil); err != nil {
		return nil, err
	}
	// Like RisingWave, CREATE returns once the backfill is committed and the view is complete.
	if err := e.coord.Flush(ctx); err != nil {
		return nil, err
	}
	return done("CREATE_MATERIALIZED_VIEW"), nil
}

// launchJob creates and starts the streaming job of a new view or sink (sink != nil). Ids for its
// rows and its operators' state are taken in an epoch of their own; then the job subscribes to its
// inputs at the barrier of the epoch that also commits its catalog entry, so its backfill reads
// exactly that epoch's snapshot and its inputs' later changes arrive through the subscriptions:
// nothing is missed or counted twice.
func (e *Engine) launchJob(r *catalog.Relation, sp *planner.StreamPlan, parallelism int, sink func() (stream.Operator, error)) error {
	nstate := stream.CountStateTables(sp)
	if err := e.coord.Commit(func(b *storage.Batch) error {
		r.ID = e.cat.AllocID(b)
		for i := 0; i < nstate; i++ {
			r.StateTables = append(r.StateTables, e.cat.AllocID(b))
		}
		return nil
	}); err != nil {
		return err
	}
	var op stream.Operator
	if sink != nil {
		var err error
		if op, err = sink(); err != nil {
			return err
		}
	}
	g, job, err := e.buildView(r, sp, true, parallelism, op)
	if err != nil {
		return err
	}
	if err := e.coord.Apply(&stream.Mutation{Add: g.Subs}, func(b *storage.Batch) error { return e.cat.Persist(b, r) }, job); err != nil {
		return err
	}
	if err := e.cat.Publish(r); err != nil {
		return err
	}
	e.version.Add(1)
	for _, a := range g.Actors {
		go a.Run()
	}
	startReaders(g.Readers)
	return nil
}

// buildView builds a view's actors. subs are its subscription channels by input relation. With
// backfill, the actors that read the inputs first push their current rows.
func (e *Engine) buildView(r *catalog.Relation, sp *planner.StreamPlan, backfill bool, parallelism int, sink stream.Operator) (*stream.ViewGraph, *stream.Job, error) {
	if parallelism <= 0 {
		parallelism = e.cfg.Parallelism
	}
	out := stream.NewFanout(r.ID, len(r.Columns), e.takeSubscribers(r.ID)...)
	cfg := stream.ViewConfig{
		JobID: r.ID, Name: r.Name, StateTables: r.StateTables, View: r.ID, Out: out, Parallelism: parallelism,
		NewEnv: func() *stream.Env {
			return &stream.Env{Store: e.store, CacheBytes: e.tableCacheBytes(),
				Ctx: &expr.Context{Location: time.UTC, Now: time.Now()}}
		},
		Coord: e.coord, Store: e.store, Log: e.log,
		Source: func(rel *catalog.Relation, n int) (func(ctx context.Context, next map[int32]int64) (stream.Fetcher, error), string) {
			return e.opener(rel), readerKey(r.ID, n)
		},
	}
	if backfill {
		cfg.ReadyKey = readyKey(r.ID)
		cfg.Backfill = func(inputs []stream.GraphInput) func() error {
			return func() error {
				snap := e.store.Snapshot()
				defer snap.Close()
				return stream.BackfillFrom(inputs, func(in stream.GraphInput, emit func(c *types.Chunk) error) error {
					return scanRelation(snap, in.Rel, emit)
				})()
			}
		}
	}
	cfg.Sink = sink
	g, err := stream.BuildView(sp, cfg)
	if err != nil {
		return nil, nil, err
	}
	v := &view{}
	for _, chs := range g.Subs {
		v.subs = append(v.subs, chs...)
	}
	e.mu.Lock()
	e.views[r.ID] = v
	e.mu.Unlock()
	return g, &stream.Job{ID: r.ID, Sources: g.Ticks, Writers: len(g.Actors)}, nil
}

// scanRelation emits a stored relation's rows at a snapshot as chunks of Inserts.
func scanRelation(snap *storage.Snapshot, r *catalog.Relation, emit func(c *types.Chunk) error) error {
	it := snap.NewIter(storage.TableID(r.ID), nil, nil)
	defer it.Close()
	ts := r.Types()
	c := types.NewChunk(len(ts), types.MaxChunkRows)
	var row types.Row
	for ok := it.First(); ok; ok = it.Next() {
		var err error
		if row, err = codec.DecodeRow(it.Value(), ts, row); err != nil {
			return fmt.Errorf("decode %s: %w", r.Name, err)
		}
		c.Append(types.Insert, row)
		if c.Len() == types.MaxChunkRows {
			if err := emit(c); err != nil {
				return err
			}
			c = types.NewChunk(len(ts), types.MaxChunkRows)
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if c.Len() > 0 {
		return emit(c)
	}
	return nil
}

// takeSubscribers returns (and forgets) the channels of views built at recovery before the
// relation they read.
func (e *Engine) takeSubscribers(id uint32) []chan<- stream.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	subs := e.pendingSubs[id]
	delete(e.pendingSubs, id)
	return subs
}

// recover rebuilds every table's and view's job from the catalog and the committed state. Views are
// built before the relations they read (newest first: a view's id is larger than its inputs'), so
// every relation's fan-out starts with its subscribers; the coordinator starts only afterwards.
func (e *Engine) recover() error {
	rels := e.cat.List(catalog.Table, catalog.MaterializedView, catalog.Sink)
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID > rels[j].ID })
	var actors []*stream.Actor
	var readers []*stream.SourceReader
	for _, r := range rels {
		if r.Kind == catalog.Table {
			if r.With["connector"] != "" {
				e.startConnectorTable(r)
			} else {
				e.startTable(r)
			}
			continue
		}
		q, err := viewQuery(r)
		if err != nil {
			return err
		}
		sp, _, err := planner.PlanStream(&planner.Env{Catalog: e.cat, Ctx: &expr.Context{Location: time.UTC, Now: time.Now()}}, q)
		if err != nil {
			return fmt.Errorf("re-plan view %s: %w", r.Name, err)
		}
		_, ready, err := e.store.Get(storage.SystemTable, readyKey(r.ID))
		if err != nil {
			return err
		}
		if !ready {
			// The view's backfill never committed: its state is empty; do it again.
			e.log.Info("view backfill did not complete before the restart; backfilling again", "view", r.Name)
		}
		var sink stream.Operator
		if r.Kind == catalog.Sink {
			if sink, err = e.sinkOp(r); err != nil {
				return fmt.Errorf("rebuild sink %s: %w", r.Name, err)
			}
		}
		g, job, err := e.buildView(r, sp, !ready, 0, sink)
		if err != nil {
			return fmt.Errorf("rebuild view %s: %w", r.Name, err)
		}
		as := g.Actors
		readers = append(readers, g.Readers...)
		e.mu.Lock()
		for rel, chs := range g.Subs {
			e.pendingSubs[rel] = append(e.pendingSubs[rel], chs...)
		}
		e.mu.Unlock()
		e.coord.AddJob(job)
		actors = append(actors, as...)
	}
	for _, a := range actors {
		go a.Run()
	}
	startReaders(readers)
	return nil
}

// startReaders starts a view's source readers.
func startReaders(rs []*stream.SourceReader) {
	for _, r := range rs {
		go r.Run()
	}
}

// viewQuery re-parses a view's definition.
func viewQuery(r *catalog.Relation) (*sql.Query, error) {
	p, err := sql.ParseOne(r.Definition)
	if err != nil {
		return nil, fmt.Errorf("parse definition of %s: %w", r.Name, err)
	}
	switch st := p.Stmt.(type) {
	case *sql.CreateMaterializedView:
		return st.Query, nil
	case *sql.CreateSink:
		return sinkQuery(st), nil
	}
	return nil, fmt.Errorf("definition of %s is not a materialized view or sink", r.Name)
}

// parallelism is the session's streaming_parallelism (0: the engine's default).
func (s *Session) parallelism() int {
	v, _ := s.setting("streaming_parallelism")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
