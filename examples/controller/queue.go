package main

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// event is the latest state of one object: its new version, or nil for a deletion.
type event struct {
	key      objKey
	kind     *watchedKind
	obj      *unstructured.Unstructured // nil: deleted
	verb     string                     // "added", "updated" or "deleted" (the last one seen)
	received time.Time                  // when the first not yet applied event came
}

// eventQueue holds the objects changed since the last resolution, one entry per object:
// a later event for the same object replaces the earlier one (the snapshot only needs
// the latest version), in the order objects first changed.
type eventQueue struct {
	mu      sync.Mutex
	ready   chan struct{} // has a token while the queue is not empty
	pending map[objKey]*event
	order   []objKey
}

func newEventQueue() *eventQueue {
	return &eventQueue{ready: make(chan struct{}, 1), pending: make(map[objKey]*event)}
}

func (q *eventQueue) put(kind *watchedKind, key objKey, obj *unstructured.Unstructured, verb string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if e, ok := q.pending[key]; ok {
		e.obj, e.verb = obj, verb
		return
	}
	q.pending[key] = &event{key: key, kind: kind, obj: obj, verb: verb, received: time.Now()}
	q.order = append(q.order, key)
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// len is the number of objects waiting.
func (q *eventQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order)
}

// take waits until objects are waiting, then returns at most max of them (0: all), in
// the order they first changed; nil when ctx is done.
func (q *eventQueue) take(ctx context.Context, max int) []*event {
	for {
		q.mu.Lock()
		if n := len(q.order); n > 0 {
			if max > 0 && n > max {
				n = max
			}
			batch := make([]*event, n)
			for i, k := range q.order[:n] {
				batch[i] = q.pending[k]
				delete(q.pending, k)
			}
			q.order = append(q.order[:0:0], q.order[n:]...)
			if len(q.order) > 0 {
				select {
				case q.ready <- struct{}{}:
				default:
				}
			}
			q.mu.Unlock()
			return batch
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-q.ready:
		}
	}
}
