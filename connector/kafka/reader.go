package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Record is one Kafka message.
type Record struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64 // milliseconds since the Unix epoch
}

// ErrClosed is returned by Fetch after Close.
var ErrClosed = errors.New("kafka reader closed")

// pollMax caps the records one Fetch returns, so that a large backlog comes back in slices the
// engine can turn into chunks without holding tens of megabytes at once.
const pollMax = 8192

// Reader reads a topic's partitions from offsets the engine gives it. See NewReader.
type Reader struct {
	o   *Options
	cl  *kgo.Client
	h   *health
	log *slog.Logger

	recs []Record // reused by Fetch

	lagMu sync.Mutex
	lag   map[int32]int64

	kick   chan struct{} // asks discover for an early look
	cancel context.CancelFunc
	done   chan struct{}
}

// NewReader starts reading o.Topic without a consumer group. next holds the next offset to read of
// every partition the engine has seen (its committed offsets); other partitions that exist now start
// per o.StartupMode / o.StartupTimestampMillis, and partitions created later start at their earliest
// offset. An unreachable broker does not fail NewReader: the reader retries with backoff, reports
// the error through LastError and a rate-limited log, and resumes by itself.
func NewReader(ctx context.Context, o *Options, next map[int32]int64, log *slog.Logger) (*Reader, error) {
	h := newHealth(log, o.Topic)
	opts, err := clientOpts(o, log)
	if err != nil {
		return nil, err
	}
	pinned := make(map[int32]kgo.Offset, len(next))
	for p, off := range next {
		pinned[p] = kgo.NewOffset().At(off)
	}
	opts = append(opts,
		kgo.WithHooks(h),
		// An offset that fell out of retention (or a topic that was recreated) restarts at the
		// earliest data still there rather than failing the source.
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxBytes(16<<20),
		kgo.FetchMaxPartitionBytes(4<<20),
		kgo.FetchMaxWait(time.Second),
		// Partitions are discovered by our own loop (discover.go); kgo's metadata refresh only has
		// to follow leaders.
		kgo.MetadataMaxAge(time.Minute),
	)
	if len(pinned) > 0 {
		opts = append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{o.Topic: pinned}))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka reader for topic %q: %w", o.Topic, err)
	}
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &Reader{o: o, cl: cl, h: h, log: log, lag: make(map[int32]int64), cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}
	assigned := make(map[int32]bool, len(next))
	for p := range next {
		assigned[p] = true
	}
	go r.discover(dctx, assigned)
	return r, nil
}

// startOffset is where a partition that exists when the source first looks starts.
func (r *Reader) startOffset() kgo.Offset {
	switch {
	case r.o.StartupTimestampMillis > 0:
		return kgo.NewOffset().AfterMilli(r.o.StartupTimestampMillis)
	case r.o.StartupMode == "latest":
		return kgo.NewOffset().AtEnd()
	}
	return kgo.NewOffset().AtStart()
}

// Fetch blocks until some records are available or ctx is done, and returns them in offset order
// per partition. The slice is the caller's until the next Fetch.
func (r *Reader) Fetch(ctx context.Context) ([]Record, error) {
	for {
		fs := r.cl.PollRecords(ctx, pollMax)
		if fs.IsClientClosed() {
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r.recs = r.recs[:0]
		failed := false
		for i := range fs {
			for j := range fs[i].Topics {
				ps := fs[i].Topics[j].Partitions
				for k := range ps {
					p := &ps[k]
					if p.Err != nil {
						failed = true
						r.h.fail(fmt.Errorf("fetching partition %d: %w", p.Partition, p.Err))
					}
					r.appendRecords(p)
				}
			}
		}
		if len(r.recs) > 0 {
			r.h.ok()
			return r.recs, nil
		}
		if failed {
			select {
			case r.kick <- struct{}{}:
			default:
			}
			// kgo backs off itself, but a partition that fails at once on every poll must not
			// turn this loop into a spin.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

func (r *Reader) appendRecords(p *kgo.FetchPartition) {
	if len(p.Records) == 0 {
		return
	}
	for _, rec := range p.Records {
		r.recs = append(r.recs, Record{
			Partition: rec.Partition,
			Offset:    rec.Offset,
			Key:       rec.Key,
			Value:     rec.Value,
			Timestamp: rec.Timestamp.UnixMilli(),
		})
	}
	last := p.Records[len(p.Records)-1].Offset
	r.lagMu.Lock()
	r.lag[p.Partition] = max(p.HighWatermark-(last+1), 0)
	r.lagMu.Unlock()
}

// LastError returns the last connection or fetch error, or nil once the topic reads again.
func (r *Reader) LastError() error { return r.h.err() }

// Lag returns, per partition read so far, the high watermark minus the next offset, as of the last
// fetch of that partition (best effort).
func (r *Reader) Lag() map[int32]int64 {
	r.lagMu.Lock()
	defer r.lagMu.Unlock()
	m := make(map[int32]int64, len(r.lag))
	for p, l := range r.lag {
		m[p] = l
	}
	return m
}

// Close stops reading and releases the connections. A Fetch in progress returns ErrClosed.
func (r *Reader) Close() {
	r.cancel()
	<-r.done
	r.cl.Close()
}
