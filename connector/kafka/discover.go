package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// discoverEvery is how often the reader looks for partitions added to the topic (a variable so
// that tests need not wait 10 s).
var discoverEvery = 10 * time.Second

// discover finds the topic's partitions at start and every discoverEvery, and starts reading the
// ones not yet assigned. kgo's whole-topic consumption cannot be combined with the exact offsets of
// ConsumePartitions, hence this loop. The first successful look places partitions per the startup
// mode; later ones are new partitions, whose every record is newer than the source, so they start
// at the earliest offset.
func (r *Reader) discover(ctx context.Context, assigned map[int32]bool) {
	defer close(r.done)
	first := true
	var topicID [16]byte
	failures := 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-r.kick:
			// A fetch failed: the topic may have moved or been recreated, look now, but at
			// most once a second.
			if d := time.Until(last.Add(time.Second)); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
		}
		last = time.Now()
		parts, id, err := r.partitions(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.h.fail(err)
			failures++
			timer.Reset(min(time.Second<<min(failures-1, 4), discoverEvery))
			continue
		}
		failures = 0
		timer.Reset(discoverEvery)
		r.h.ok()
		if id != topicID && topicID != ([16]byte{}) && id != ([16]byte{}) {
			// The topic was deleted and created again (or the broker replaced, as when the
			// playground restarts). kgo will not follow a new topic id by itself; the new topic's
			// records are all newer than anything read, so read it from the start.
			if r.log != nil {
				r.log.Warn("kafka: topic was recreated; reading it from the start", "topic", r.o.Topic)
			}
			r.cl.PurgeTopicsFromClient(r.o.Topic)
			clear(assigned)
			first = false
		}
		if id != ([16]byte{}) {
			topicID = id
		}
		add := make(map[int32]kgo.Offset)
		for _, p := range parts {
			if assigned[p] {
				continue
			}
			assigned[p] = true
			if first {
				add[p] = r.startOffset()
			} else {
				add[p] = kgo.NewOffset().AtStart()
				if r.log != nil {
					r.log.Info("kafka: new partition", "topic", r.o.Topic, "partition", p)
				}
			}
		}
		first = false
		if len(add) > 0 {
			r.cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{r.o.Topic: add})
		}
	}
}

// partitions asks the cluster for the topic's partition ids and topic id (zero from brokers older
// than Kafka 2.8).
func (r *Reader) partitions(ctx context.Context) ([]int32, [16]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, discoverEvery)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	t := kmsg.NewMetadataRequestTopic()
	t.Topic = kmsg.StringPtr(r.o.Topic)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, r.cl)
	if err != nil {
		return nil, [16]byte{}, fmt.Errorf("listing partitions of topic %q: %w", r.o.Topic, err)
	}
	for _, rt := range resp.Topics {
		if rt.Topic == nil || *rt.Topic != r.o.Topic {
			continue
		}
		if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
			return nil, [16]byte{}, fmt.Errorf("topic %q: %w", r.o.Topic, err)
		}
		ps := make([]int32, 0, len(rt.Partitions))
		for _, p := range rt.Partitions {
			ps = append(ps, p.Partition)
		}
		if len(ps) == 0 {
			return nil, [16]byte{}, fmt.Errorf("topic %q has no partitions", r.o.Topic)
		}
		return ps, rt.TopicID, nil
	}
	return nil, [16]byte{}, fmt.Errorf("topic %q: %w", r.o.Topic, kerr.UnknownTopicOrPartition)
}
