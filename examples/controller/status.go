package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"
	"k8s.io/client-go/util/workqueue"
)

// statusWriter writes IngressRoute statuses through the status subresource. The resolver
// says what each status should be (want); workers write the latest wanted status of each
// IngressRoute, one write at a time per object, and only when the status the API server
// holds differs. A write is a JSON merge patch of the status that carries the
// resourceVersion it was computed against: the API server refuses it with a conflict
// when the object changed in between, and the writer then reads the object again,
// compares again and retries.
type statusWriter struct {
	client dynamic.NamespaceableResourceInterface
	// cached returns the informer's copy of an IngressRoute, nil when it has none.
	cached func(ns, name string) *unstructured.Unstructured
	logf   func(format string, args ...interface{})

	mu      sync.Mutex
	desired map[objKey]irStatus
	queue   workqueue.TypedRateLimitingInterface[objKey]

	busy                                        atomic.Int64 // keys being written
	written, upToDate, conflicts, gone, failing atomic.Int64
	// idle is signalled when the queue runs empty after a write.
	idle chan struct{}
}

func newStatusWriter(client dynamic.NamespaceableResourceInterface, cached func(ns, name string) *unstructured.Unstructured, logf func(string, ...interface{})) *statusWriter {
	return &statusWriter{
		client:  client,
		cached:  cached,
		logf:    logf,
		desired: make(map[objKey]irStatus),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[objKey](),
			workqueue.TypedRateLimitingQueueConfig[objKey]{Name: "status"}),
		idle: make(chan struct{}, 1),
	}
}

// want records the status an IngressRoute should have and queues a check.
func (w *statusWriter) want(k objKey, st irStatus) {
	w.mu.Lock()
	w.desired[k] = st
	w.mu.Unlock()
	w.queue.Add(k)
}

// forget drops an IngressRoute that no longer has a status (deleted, or ignored).
func (w *statusWriter) forget(k objKey) {
	w.mu.Lock()
	delete(w.desired, k)
	w.mu.Unlock()
}

// recheck queues a check of an IngressRoute whose status the API server says changed
// (someone else may have written it).
func (w *statusWriter) recheck(k objKey) {
	w.mu.Lock()
	_, ok := w.desired[k]
	w.mu.Unlock()
	if ok {
		w.queue.Add(k)
	}
}

func (w *statusWriter) wanted(k objKey) (irStatus, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st, ok := w.desired[k]
	return st, ok
}

// run starts n workers; they stop when ctx is done.
func (w *statusWriter) run(ctx context.Context, n int) {
	go func() {
		<-ctx.Done()
		w.queue.ShutDown()
	}()
	for i := 0; i < n; i++ {
		go func() {
			for w.next(ctx) {
			}
		}()
	}
}

func (w *statusWriter) next(ctx context.Context) bool {
	k, shutdown := w.queue.Get()
	if shutdown {
		return false
	}
	w.busy.Add(1)
	defer func() {
		w.queue.Done(k)
		if w.busy.Add(-1) == 0 && w.queue.Len() == 0 {
			select {
			case w.idle <- struct{}{}:
			default:
			}
		}
	}()
	if err := w.sync(ctx, k); err != nil {
		w.failing.Add(1)
		w.logf("status %s/%s: %v (retrying)", k.Namespace, k.Name, err)
		w.queue.AddRateLimited(k)
		return true
	}
	w.queue.Forget(k)
	return true
}

// pending is the number of statuses queued or being written.
func (w *statusWriter) pending() int { return w.queue.Len() + int(w.busy.Load()) }

// statusPatch is a JSON merge patch that sets the status, valid only against the given
// resourceVersion.
func statusPatch(resourceVersion string, st irStatus) ([]byte, error) {
	return json.Marshal(map[string]interface{}{
		"metadata": map[string]interface{}{"resourceVersion": resourceVersion},
		"status":   map[string]interface{}{"currentStatus": st.CurrentStatus, "description": st.Description},
	})
}

// sync brings one IngressRoute's status to the wanted one.
func (w *statusWriter) sync(ctx context.Context, k objKey) error {
	obj := w.cached(k.Namespace, k.Name)
	if obj == nil {
		return nil // deleted, or not seen yet: its add event will bring it back here
	}
	attempt := 0
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		st, ok := w.wanted(k)
		if !ok {
			return nil
		}
		if attempt > 0 {
			// The cached copy was stale: read the object itself.
			fresh, err := w.client.Namespace(k.Namespace).Get(ctx, k.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				w.gone.Add(1)
				return nil
			}
			if err != nil {
				return err
			}
			obj = fresh
		}
		attempt++
		if statusOf(obj) == st {
			w.upToDate.Add(1)
			return nil
		}
		patch, err := statusPatch(obj.GetResourceVersion(), st)
		if err != nil {
			return err
		}
		t0 := time.Now()
		res, err := w.client.Namespace(k.Namespace).Patch(ctx, k.Name, types.MergePatchType, patch, metav1.PatchOptions{}, "status")
		switch {
		case apierrors.IsConflict(err):
			w.conflicts.Add(1)
			return err
		case apierrors.IsNotFound(err):
			w.gone.Add(1)
			return nil
		case err != nil:
			return fmt.Errorf("writing status: %w", err)
		}
		w.written.Add(1)
		w.logf("status written %s/%s: %s: %s (resourceVersion %s, %s)", k.Namespace, k.Name,
			st.CurrentStatus, st.Description, res.GetResourceVersion(), time.Since(t0).Round(time.Millisecond))
		return nil
	})
}
