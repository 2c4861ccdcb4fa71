package stream

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// SourceBatch is what a Fetcher returns: decoded changes, and the next offset to read for each
// partition the batch advanced.
type SourceBatch struct {
	Chunk *types.Chunk
	// Next holds the position after this batch of each split it read from (a Kafka partition's
	// next offset), and under RowIDSplit the fetcher's next row id.
	Next map[int32]int64
	// EventTime is the newest record timestamp in the batch (Unix nanoseconds; 0 if unknown), for
	// the freshness of the views the source feeds.
	EventTime int64
}

// RowIDSplit is the pseudo-split under which a fetcher that numbers rows (the hidden _row_id of a
// Kafka source without a key) keeps its next row id, so that the counter commits with the offsets:
// after a crash the records read again are numbered from the committed counter, above every row
// id any view holds. Kafka partitions are never negative.
const RowIDSplit int32 = -1

// Fetcher reads an external source (a Kafka topic) from given offsets and decodes it.
type Fetcher interface {
	// Fetch blocks until something was read. It may return a batch with an empty chunk when only
	// offsets advanced (every record was bad).
	Fetch(ctx context.Context) (SourceBatch, error)
	Close()
}

// SourceReader feeds one view (or table) from an external source. It owns the offsets: they are
// loaded from the store at start, advanced as batches are sent on, and sent with every barrier as
// writes of that epoch, so the offsets and the state built from the records before them commit in
// one batch: after a crash the source resumes exactly after the last committed record.
type SourceReader struct {
	JobID uint32
	// Name is the source's name, for logs.
	Name string
	// OffsetsKey names this reader's offsets in the system table.
	OffsetsKey string
	Store      *storage.Store
	Open       func(ctx context.Context, next map[int32]int64) (Fetcher, error)
	// Barriers is the channel the coordinator injects into; Out is the actor input it feeds.
	Barriers <-chan Message
	Out      chan<- Message
	// More are further actor inputs fed the same chunks and barriers: other scans of the source
	// in the same view. Only Out carries the offsets, which commit once.
	More []chan<- Message
	Log  *slog.Logger
	// Metrics, when set, receives the event times of each epoch's records.
	Metrics *metrics.View
}

// LoadOffsets reads the committed next-offsets of a reader.
func LoadOffsets(store *storage.Store, key string) (map[int32]int64, error) {
	prefix := storage.SystemPrefix("source", key)
	it := store.NewIter(storage.SystemTable, prefix, storage.PrefixEnd(prefix))
	defer it.Close()
	out := map[int32]int64{}
	for ok := it.First(); ok; ok = it.Next() {
		p, err := strconv.ParseInt(string(it.Key()[len(prefix):]), 10, 32)
		if err != nil || len(it.Value()) != 8 {
			return nil, fmt.Errorf("source offsets %s: bad entry %q", key, it.Key())
		}
		out[int32(p)] = int64(binary.BigEndian.Uint64(it.Value()))
	}
	return out, it.Error()
}

// DeleteOffsets removes a reader's offsets (its view is dropped).
func DeleteOffsets(b *storage.Batch, key string) {
	prefix := storage.SystemPrefix("source", key)
	b.DeleteRange(storage.SystemTable, prefix, storage.PrefixEnd(prefix))
}

func (s *SourceReader) offsetKey(p int32) []byte {
	return append(storage.SystemPrefix("source", s.OffsetsKey), strconv.Itoa(int(p))...)
}

// Run reads until a barrier stops the job.
func (s *SourceReader) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, err := LoadOffsets(s.Store, s.OffsetsKey)
	if err != nil {
		s.Log.Error("source offsets unreadable; starting from the startup mode", "source", s.Name, "err", err)
		next = map[int32]int64{}
	}
	batches := make(chan SourceBatch, 1)
	go s.fetch(ctx, next, batches)
	dirty := map[int32]int64{}
	var newest int64 // event time of the epoch's newest record
	for {
		in := batches
		if s.Store.Overloaded() {
			in = nil // wait for the next barrier: see storage.Store.Overloaded
		}
		select {
		case m := <-s.Barriers:
			b := m.Barrier
			var writes []KV
			for p, off := range dirty {
				writes = append(writes, KV{Key: s.offsetKey(p), Value: binary.BigEndian.AppendUint64(nil, uint64(off))})
			}
			clear(dirty)
			// Every record read before this barrier belongs to its epoch.
			s.Metrics.Stage(b.Epoch, newest)
			newest = 0
			s.Out <- Message{Barrier: b, Writes: writes}
			for _, o := range s.More {
				o <- Message{Barrier: b}
			}
			if b.Stops(s.JobID) {
				return
			}
		case sb := <-in:
			if sb.Chunk != nil && sb.Chunk.Len() > 0 {
				// Shared, not copied: operators treat input chunks as read-only, as with Fanout.
				s.Out <- Message{Chunk: sb.Chunk}
				for _, o := range s.More {
					o <- Message{Chunk: sb.Chunk}
				}
			}
			for p, off := range sb.Next {
				dirty[p] = off
			}
			newest = max(newest, sb.EventTime)
		}
	}
}

// fetch opens the source and reads it, retrying with backoff: a broker that is down delays the
// source, it does not fail it.
func (s *SourceReader) fetch(ctx context.Context, next map[int32]int64, out chan<- SourceBatch) {
	backoff := 100 * time.Millisecond
	var f Fetcher
	for f == nil {
		err := safely(func() error {
			var err error
			f, err = s.Open(ctx, copyOffsets(next))
			return err
		})
		if err != nil {
			f = nil
			s.Log.Warn("source cannot start yet; retrying", "source", s.Name, "err", err, "in", backoff)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 10*time.Second)
		}
	}
	defer f.Close()
	backoff = 100 * time.Millisecond
	for {
		var sb SourceBatch
		err := safely(func() error {
			var err error
			sb, err = f.Fetch(ctx)
			return err
		})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.Log.Warn("source read failed; retrying", "source", s.Name, "err", err, "in", backoff)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		select {
		case out <- sb:
		case <-ctx.Done():
			return
		}
	}
}

func copyOffsets(m map[int32]int64) map[int32]int64 {
	out := make(map[int32]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
